# Q: May I call lock_vma_under_rcu_wait() while holding the mmap lock?
# A: No: when the fast path fails (a writer, or no VMA at the address) it
#    takes mmap_read_lock() itself, a recursive read lock of the rwsem,
#    which deadlocks behind a queued writer; lockdep reports it
#    (mm/mmap_lock.c: lock_vma_under_rcu_wait()). Use vma_lookup() under
#    the lock you hold instead.

mm m
mmap(m, 0x100000, pages=2, prot=rw)

thread t {
  mmap_read_lock(m)
  lock_vma_under_rcu_wait(m, 0x900000)
  mmap_read_unlock(m)
}

expect violation "lock/recursive" at 13
