# Q: Which GUP variant for which locking?
# A: get_user_pages needs the mmap lock held by the caller;
#    get_user_pages_unlocked and _fast take it themselves and must not be
#    called with it held (rule book 2.10-2.13).

mm m
mmap(m, 0x600000, pages=4, prot=rw)

thread good {
  mmap_read_lock(m)
  assert get_user_pages(m, 0x600000, pages=2, write=true) == 2
  mmap_read_unlock(m)
  assert get_user_pages_fast(m, 0x602000, pages=2) == 2
}

thread bad {
  mmap_read_lock(m)
  get_user_pages_unlocked(m, 0x600000, pages=1)
  mmap_read_unlock(m)
}

expect violation "get_user_pages_unlocked/mmap-lock-held" at 18
expect violation "lock/recursive" at 18
