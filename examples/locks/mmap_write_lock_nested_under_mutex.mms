# Q: My code takes drv_lock under the mmap lock, and elsewhere, like
#    dup_mmap(), locks a new mm nested while it holds its parent's mmap
#    lock and drv_lock. Is &mm->mmap_lock taken both before and after
#    drv_lock an inversion?
# A: Not for lockdep: mmap_write_lock_nested(mm, SINGLE_DEPTH_NESTING)
#    takes subclass 1, a class of its own (&mm->mmap_lock/1), so the chain
#    is &mm->mmap_lock -> drv_lock -> &mm->mmap_lock/1, with no cycle. The
#    new mm is "Not linked in yet": no one else takes its lock
#    (kernel/locking/lockdep.c: register_lock_class() keys a class by key
#    and subclass; kernel/fork.c: dup_mmap()).

mm parent
mm child
mm other
mutex drv_lock

thread forker {
  mmap_write_lock(parent)
  mutex_lock(drv_lock)
  mmap_write_lock_nested(child)
  mmap_write_unlock(child)
  mutex_unlock(drv_lock)
  mmap_write_unlock(parent)
}

thread driver {
  mmap_read_lock(other)
  mutex_lock(drv_lock)
  mutex_unlock(drv_lock)
  mmap_read_unlock(other)
}

expect ok
