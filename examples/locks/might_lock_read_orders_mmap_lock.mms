# Q: My helper takes the mmap lock only when a lookup misses. Will lockdep
#    see the inversion with a driver mutex if the test never misses?
# A: It will if the helper says so with might_lock_read(&mm->mmap_lock)
#    (include/linux/lockdep.h): lockdep records the dependency as if the
#    lock were taken, on every run, as __might_fault() does for each user
#    copy. Here the helper runs under dev_lock while the ioctl path takes
#    dev_lock under the mmap lock: a circular dependency, reported although
#    no run took the mmap lock under dev_lock. The fixed order:
#    might_lock_read_same_order.mms.

mm m
mutex dev_lock
mmap(m, 0x100000, pages=1, prot=rw)

thread ioctl {
  mmap_read_lock(m)
  mutex_lock(dev_lock)
  mutex_unlock(dev_lock)
  mmap_read_unlock(m)
}

thread lookup {
  msleep(1)  # after the ioctl, as an ordinary run has it
  mutex_lock(dev_lock)
  might_lock_read(m.mmap_lock)  # the cache hit: the lock is not taken
  mutex_unlock(dev_lock)
}

expect violation "lockdep/circular" at 25 sometimes
expect violation "lockdep/circular" at 17 sometimes
