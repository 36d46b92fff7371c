# Q: I converted my driver from get_user_pages() to pin_user_pages(). May
#    its completion path go on releasing the pages with put_page()?
# A: No. A FOLL_PIN pin is not a plain reference: on a small folio it adds
#    GUP_PIN_COUNTING_BIAS (1024) to the refcount, on a large one it counts
#    in _pincount, and only unpin_user_page()/unpin_user_pages() take it
#    off. put_page() drops one reference: the pin stays, the folio is
#    "maybe DMA-pinned" for good (fork copies it, migration and compaction
#    give up on it), and the refcount is off by one. The kernel checks
#    nothing. Each page a task pinned and put_page()s while it holds no
#    plain reference of its own on it is reported.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)
page_array pages

thread dma {
  mmap_read_lock(m)
  n = pin_user_pages(m, 0x100000, 2, FOLL_WRITE, pages)
  mmap_read_unlock(m)
  # ... the DMA completes ...
  for i in 0..n {
    put_page(pages[i])  # was right for get_user_pages(); unpin_user_page(pages[i]) now
  }
}

expect violation "put_page/pinned-page" at 22
