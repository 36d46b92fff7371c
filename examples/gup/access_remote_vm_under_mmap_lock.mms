# Q: May I call access_remote_vm() while holding that mm's mmap lock?
# A: No: __access_remote_vm() takes mmap_read_lock_killable() itself; a
#    second read lock of the same rwsem deadlocks behind a queued writer,
#    and lockdep reports the recursion (mm/memory.c: __access_remote_vm()).

mm m
mmap(m, 0x100000, pages=1, prot=rw)

thread t {
  mmap_read_lock(m)
  access_remote_vm(m, 0x100000, 8)
  access_process_vm(m, 0x100000, 8)
  mmap_read_unlock(m)
}

expect violation "lock/recursive" at 11
expect violation "lock/recursive" at 12
