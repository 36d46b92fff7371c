# Q: May fork run while the thread holds its own mmap lock?
# A: No: dup_mmap() takes the parent's mmap write lock itself (rwsems are
#    not recursive: the thread waits for itself).

mm m
mmap(m, 0x200000, pages=2, prot=rw)

thread t {
  mmap_read_lock(m)
  fork(m)
  mmap_read_unlock(m)
}

expect violation "lock/recursive" at 10
expect deadlock
