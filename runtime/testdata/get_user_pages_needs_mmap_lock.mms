# Rule get_user_pages/needs-mmap-lock: get_user_pages() runs under the
# caller's mmap lock for the whole call (mmap_assert_locked()).
# Rule book 2.10.

mm m
mmap(m, 0x600000, pages=2, prot=rw)

thread t {
  get_user_pages(m, 0x600000, pages=1)
  mmap_read_lock(m)
  assert get_user_pages(m, 0x600000, pages=2, write=true) == 2
  mmap_read_unlock(m)
}

expect violation "get_user_pages/needs-mmap-lock" at 9
