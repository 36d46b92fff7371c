# Q: What goes wrong if a pinned page is unpinned twice, or used after
#    its unpin?
# A: unpin_user_page() subtracts the pin whether or not one is held
#    (gup_put_folio(): _pincount, or GUP_PIN_COUNTING_BIAS off the
#    refcount of a small folio): the second one takes the page's last
#    references away under its mappings, and nothing in the kernel
#    checks it. A page is the caller's only while it holds the pin:
#    touching it afterwards races with reclaim, migration and reuse
#    (Documentation/core-api/pin_user_pages.rst).

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)
page_array pages

thread dma {
  mmap_read_lock(m)
  n = pin_user_pages(m, 0x100000, 2, FOLL_WRITE, pages)
  mmap_read_unlock(m)
  page p = pages[0]
  unpin_user_page(p)
  copy_to_user_page(v, p, 0x100000)  # after the unpin
  unpin_user_pages(pages, n)         # pages[0] a second time
}

expect violation "unpin_user_page/use-after-unpin" at 21
expect violation "unpin_user_page/not-pinned" at 22
