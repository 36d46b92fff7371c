# Q: mmap_write_lock_nested() gives the second mmap lock a lockdep class
#    of its own. Can a thread then take a nested mmap lock first and a
#    plain one under it?
# A: Lockdep says no: dup_mmap() orders &mm->mmap_lock -> &mm->mmap_lock/1,
#    and taking subclass 0 under subclass 1 closes the cycle, which lockdep
#    reports as a possible circular locking dependency even when the mms
#    differ, since it orders classes, not instances (kernel/locking/lockdep.c:
#    check_prev_add(), check_noncircular(); kernel/fork.c: dup_mmap()).

mm parent
mm child
mm a
mm b

thread forker {
  mmap_write_lock(parent)
  mmap_write_lock_nested(child)
  mmap_write_unlock(child)
  mmap_write_unlock(parent)
}

thread inverted {
  mmap_write_lock_nested(a)
  mmap_write_lock(b)
  mmap_write_unlock(b)
  mmap_write_unlock(a)
}

expect violation "lockdep/circular: possible circular locking dependency: taking b->mmap_lock (&mm->mmap_lock) while holding a->mmap_lock (&mm->mmap_lock/1)" at 24
expect violation "lockdep/circular: possible circular locking dependency: taking child->mmap_lock (&mm->mmap_lock/1) while holding parent->mmap_lock (&mm->mmap_lock)" at 17
