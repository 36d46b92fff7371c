# Q: My driver sizes the page array from the length (len >> PAGE_SHIFT)
#    but asks GUP for every page the range touches, DIV_ROUND_UP(offset +
#    len, PAGE_SIZE), and the user buffer is not page-aligned. What
#    happens?
# A: GUP stores one entry more than the array holds: __get_user_pages()
#    writes pages[i] for each i < nr_pages without knowing the array's
#    size, past the end of the kvmalloc_array() allocation (a KASAN
#    slab-out-of-bounds report; silent heap corruption otherwise). Size
#    the array as GUP's nr_pages (mm/gup.c: __get_user_pages()).

mm m
mmap(m, 0x100000, pages=8, prot=rw)

thread drv {
  start = 0x100800  # an unaligned user buffer
  len = 0x2000
  pages = page_array(len >> PAGE_SHIFT)                             # 2 entries
  nr_pages = (start % PAGE_SIZE + len + PAGE_SIZE - 1) / PAGE_SIZE  # 3 pages touched
  mmap_read_lock(m)
  ret = pin_user_pages(start, nr_pages, FOLL_WRITE, pages)
  mmap_read_unlock(m)
}

expect violation "page_array/out-of-bounds" at 20
