# Q: How do I release the pages pin_user_pages() pinned?
# A: Pass it a page array (the kernel's struct page **pages): each page
#    it returns carries a FOLL_PIN pin, released once with
#    unpin_user_page() (or unpin_user_pages(pages, ret) for the lot),
#    after the last access to the page and without any mm lock
#    (mm/gup.c: unpin_user_page(), unpin_user_pages();
#    Documentation/core-api/pin_user_pages.rst). get_user_pages() pages
#    carry a plain reference (FOLL_GET) and go back with put_page().

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw)
page_array pinned
page_array got

thread dma {
  mmap_read_lock(m)
  n = pin_user_pages(m, 0x100000, 2, FOLL_WRITE | FOLL_LONGTERM, pinned)
  mmap_read_unlock(m)
  assert n == 2 && page_array_len(pinned) == 2
  for page in pinned {
    copy_to_user_page(v, page, 0x100000)  # the device writes the page
    unpin_user_page(page)
  }
}

thread reader {
  mmap_read_lock(m)
  n = get_user_pages(m, 0x102000, 2, false, got)
  mmap_read_unlock(m)
  i = 0
  while i < n {
    put_page(got[i])
    i += 1
  }
}

expect ok
