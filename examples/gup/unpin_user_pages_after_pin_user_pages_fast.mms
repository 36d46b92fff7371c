# Q: pin_user_pages_fast() pinned part of the range without the mmap
#    lock and the rest through its fallback: how are they released?
# A: All alike: every page in the array carries a FOLL_PIN pin, whichever
#    path took it (gup_fast() or __gup_longterm_locked()); one
#    unpin_user_pages(pages, ret) releases them (mm/gup.c:
#    pin_user_pages_fast(), unpin_user_pages()).

mm m
vma v = mmap(m, 0x100000, pages=3, prot=rw)
touch(m, 0x100000, write)  # the first page for the fast walk
page_array pages

thread drv {
  n = pin_user_pages_fast(m, 0x100000, 3, true, pages)
  assert n == 3
  unpin_user_pages(pages, n)
}

expect ok
