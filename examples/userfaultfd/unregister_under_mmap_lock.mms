# Q: UFFDIO_UNREGISTER from a path that holds the mmap read lock?
# A: It deadlocks: userfaultfd_unregister() takes the mmap write lock
#    (fs/userfaultfd.c). fault_waits_for_monitor.mms unregisters with no
#    lock held.

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
ctx = userfaultfd(m)
assert userfaultfd_register(ctx, 0x100000, 0x4000, UFFDIO_REGISTER_MODE_MISSING) == 0

thread a {
  mmap_read_lock(m)
  userfaultfd_unregister(ctx, 0x100000, 0x4000)
}

expect violation "lock/recursive" at 13
expect deadlock
