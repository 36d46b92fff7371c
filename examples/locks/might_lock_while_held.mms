# Q: What does might_lock() say if the caller already holds the lock?
# A: What lockdep would say of the acquisition: "possible recursive
#    locking detected" (include/linux/lockdep.h: might_lock() is
#    lock_acquire() and lock_release() at once). A helper annotated with
#    might_lock(&dev->lock) may take the lock, so calling it with the lock
#    held is a self-deadlock on the runs where it does. The fixed form:
#    might_lock_read_same_order.mms.

mutex dev_lock

thread ioctl {
  mutex_lock(dev_lock)
  might_lock(dev_lock)  # the helper may take dev_lock
  mutex_unlock(dev_lock)
}

expect violation "lock/recursive" at 13
