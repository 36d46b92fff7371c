# Q: How does a driver read pinned user pages back after DMA?
# A: While the pin holds: copy_from_user_page() (or kmap) on each pinned
#    page, then unpin_user_pages() once, for the pages pin_user_pages()
#    returned (mm/gup.c: pin_user_pages(), unpin_user_pages()).

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)
page_array pages

thread dma {
  mmap_read_lock(m)
  n = pin_user_pages(m, 0x100000, 2, FOLL_WRITE, pages)
  mmap_read_unlock(m)
  for i in 0..n {
    page p = page_array_get(pages, i)
    copy_from_user_page(v, p, 0x100000 + i * PAGE_SIZE)
  }
  unpin_user_pages(pages, n)
}

expect ok
