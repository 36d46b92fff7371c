# Q: May a driver holding the mmap read lock call do_madvise() on the same
#    mm?
# A: Not for a behaviour that changes vm_flags: get_lock_mode() gives
#    MADV_DONTFORK the mmap write lock (mmap_write_lock_killable), which the
#    task's own read lock blocks forever (lockdep: recursive locking).
#    MADV_DONTNEED would only take the VMA read lock, or the mmap read lock
#    again, which deadlocks once a writer queues in between.
#    (mm/madvise.c: get_lock_mode(), madvise_lock())

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread t {
  mmap_read_lock(m)
  madvise(m, 0x100000, PAGE_SIZE, MADV_DONTFORK)
  mmap_read_unlock(m)
}

expect violation "lock/recursive" at 15
expect deadlock
