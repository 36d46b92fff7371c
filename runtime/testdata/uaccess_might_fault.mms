# Rule uaccess/might-fault-under-mmap-lock: no user access (copy_to_user
# and friends) under the mmap lock: a fault would take it again, which
# deadlocks behind a queued writer (__might_fault() -> might_lock_read()).
# Rule book 2.12, 2.18.

mm m
mmap(m, 0x600000, pages=1, prot=rw)

thread t {
  mmap_read_lock(m)
  touch(m, 0x600000, read)
  mmap_read_unlock(m)
  assert touch(m, 0x600000, write)  # fine: no lock held
}

expect violation "uaccess/might-fault-under-mmap-lock" at 11
