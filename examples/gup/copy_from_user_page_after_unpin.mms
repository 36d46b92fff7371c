# Q: A driver pinned user pages for DMA and reads the data back with
#    copy_from_user_page() when the transfer is done. May it unpin first?
# A: No. The pin is what keeps the page from being freed or migrated and
#    reused; after unpin_user_page() the read may see another owner's
#    data. Read, then unpin (mm/gup.c: unpin_user_page(); nothing in the
#    kernel checks a use after it).

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)
page_array pages

thread dma {
  mmap_read_lock(m)
  n = pin_user_pages(m, 0x100000, 2, FOLL_WRITE, pages)
  mmap_read_unlock(m)
  page p = page_array_get(pages, 0)
  page q = page_array_get(pages, 1)
  copy_from_user_page(v, q, 0x101000)  # still pinned
  unpin_user_page(q)
  unpin_user_page(p)
  copy_from_user_page(v, p, 0x100000)  # after the unpin
}

expect violation "unpin_user_page/use-after-unpin" at 21
