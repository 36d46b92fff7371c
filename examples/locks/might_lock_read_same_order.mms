# Q: How do I keep a helper annotated with might_lock_read() and a driver
#    mutex in one order?
# A: Take the driver's mutex after the mmap lock everywhere, or call the
#    helper before taking the mutex: might_lock_read(&mm->mmap_lock) then
#    records mmap_lock before nothing (include/linux/lockdep.h), and the
#    ioctl path's mmap_lock -> dev_lock is the only order.
#    might_lock(lock) is the same annotation for an exclusive acquisition.
#    The broken form: might_lock_read_orders_mmap_lock.mms.

mm m
mutex dev_lock
mmap(m, 0x100000, pages=1, prot=rw)

thread lookup {
  might_lock_read(m.mmap_lock)  # the cache hit: the lock is not taken
  mutex_lock(dev_lock)
  mutex_unlock(dev_lock)
}

thread ioctl {
  mmap_read_lock(m)
  might_lock(dev_lock)
  mutex_lock(dev_lock)
  mutex_unlock(dev_lock)
  mmap_read_unlock(m)
}

expect ok
