# Q: UFFDIO_REGISTER and UFFDIO_UNREGISTER from a path that already holds
#    the mm's mmap lock: allowed?
# A: No: both take the mmap write lock themselves (fs/userfaultfd.c:
#    userfaultfd_register(), userfaultfd_unregister(): mmap_write_lock(mm)),
#    so a caller holding the mmap lock deadlocks on itself. Call them with
#    no lock of the mm held, as register_splits_vma.mms does.

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
ctx = userfaultfd(m)

thread a {
  mmap_read_lock(m)
  userfaultfd_register(ctx, 0x100000, 0x4000, UFFDIO_REGISTER_MODE_MISSING)
}

expect violation "lock/recursive" at 14
expect deadlock
