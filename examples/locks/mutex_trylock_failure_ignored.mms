# Q: My ioctl tries the driver's mutex with mutex_trylock(). May it go on
#    without testing what it returned?
# A: No. kernel/locking/mutex.c: mutex_trylock() "Returns 1 if the mutex
#    has been acquired successfully, and 0 on contention": on 0 the caller
#    holds nothing, and its mutex_unlock() releases the mutex that the
#    other thread holds. Lockdep prints "bad unlock balance detected"
#    (kernel/locking/lockdep.c: __lock_release() -> find_held_lock()
#    fails); CONFIG_DEBUG_MUTEXES warns in __mutex_unlock_slowpath()
#    (MUTEX_WARN_ON(__owner_task(owner) != current)); a production kernel
#    releases the holder's mutex under it. The correct use is
#    locks/driver_mutex_and_spinlock.mms.

mutex drv_lock
opened = 0

thread open {
  mutex_lock(drv_lock)
  opened = opened + 1
  mutex_unlock(drv_lock)
}

thread ioctl {
  mutex_trylock(drv_lock)  # the result is dropped
  opened = opened - 1
  mutex_unlock(drv_lock)
}

expect violation "mutex_trylock/failure-ignored" at 25 sometimes
