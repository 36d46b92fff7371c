# Rule get_user_pages_unlocked/mmap-lock-held: get_user_pages_fast() falls
# back to taking the mmap read lock itself, so the caller must not hold it;
# lockdep sees the recursion (might_lock_read()). Rule book 2.12, 2.13.

mm m
mmap(m, 0x600000, pages=2, prot=rw)

thread t {
  mmap_read_lock(m)
  get_user_pages_fast(m, 0x600000, pages=1)
  mmap_read_unlock(m)
  assert get_user_pages_fast(m, 0x601000, pages=1) == 1
  assert get_user_pages_unlocked(m, 0x600000, pages=2) == 2
}

expect violation "get_user_pages_unlocked/mmap-lock-held: get_user_pages_fast while holding m->mmap_lock (read)" at 10
expect violation "lock/recursive" at 10
