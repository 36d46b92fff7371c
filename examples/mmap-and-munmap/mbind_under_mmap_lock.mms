# Q: May code that holds the mmap lock call into mbind (do_mbind)?
# A: No: do_mbind() takes the mmap write lock itself (mmap_write_lock), so
#    a task holding it for read deadlocks against itself (lockdep:
#    recursive locking). (mm/mempolicy.c: do_mbind())

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread t {
  mmap_read_lock(m)
  mbind(m, 0x100000, PAGE_SIZE, MPOL_BIND)
  mmap_read_unlock(m)
}

expect violation "lock/recursive" at 11
expect deadlock
