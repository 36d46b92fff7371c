# get_user_pages() took a fifth argument, struct vm_area_struct **vmas,
# until v6.5 (54d020692b34 "mm/gup: remove unused vmas parameter from
# get_user_pages()"); callers of the time passed NULL. A 5.15 script
# binds it so (the array itself is not modelled: pass NULL); on mainline
# the argument is an error naming the change (gup_vmas_null-mainline.mms).
kernel 5.15

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

expect ok
