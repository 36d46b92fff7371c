# get_user_pages(start, nr_pages, gup_flags, pages, NULL), the 5.15 call
# of gup_vmas_null-5.15.mms, on mainline: the vmas argument was removed in
# v6.5, and the error names the change.
kernel mainline

mm m
mmap(m, 0x100000, pages=1, prot=rw)

thread t {
  page_array pages
  mmap_read_lock(m)
  n = get_user_pages(0x100000, 1, FOLL_WRITE, pages, NULL)
  mmap_read_unlock(m)
  assert n == 1, "one page"
  put_page(pages[0])
}

expect error "the vmas argument does not exist in mainline"
