# Q: What happens if I take i_mmap_rwsem before the mmap lock?
# A: The documented order (mm/rmap.c) is mmap_lock -> i_mmap_rwsem. A thread
#    taking them the other way round deadlocks with one that follows the
#    order, and lockdep reports the inversion even when no deadlock happens.

mm m
file f

thread truncate {
  i_mmap_lock_write(f)
  mmap_write_lock(m)
  mmap_write_unlock(m)
  i_mmap_unlock_write(f)
}

thread mapper {
  mmap_write_lock(m)
  i_mmap_lock_write(f)
  i_mmap_unlock_write(f)
  mmap_write_unlock(m)
}

expect violation "lockdep/circular" at 11
expect deadlock
