# Q: My driver takes its mutex under a spinlock and testing never showed a
#    splat. Is a debug kernel's "sleeping function called from invalid
#    context" a false alarm when the mutex is always free?
# A: No. might_sleep() in mutex_lock() reports the context whether or not
#    the call sleeps, and only with CONFIG_DEBUG_ATOMIC_SLEEP
#    (kernel/sched/core.c: __might_resched()): a production kernel is
#    silent while the mutex is free. The day it is contended, mutex_lock()
#    blocks in schedule() with the spinlock's preempt_count raised, and
#    schedule_debug() reports "BUG: scheduling while atomic" on every
#    kernel (kernel/sched/core.c: __schedule_bug()); the holder of the
#    spinlock then sleeps while others spin on it.

spinlock stats_lock
mutex drv_lock

thread reader {
  mutex_lock(drv_lock)
  msleep(1)
  mutex_unlock(drv_lock)
}

thread ioctl {
  spin_lock(stats_lock)
  mutex_lock(drv_lock)
  mutex_unlock(drv_lock)
  spin_unlock(stats_lock)
}

expect violation "lock/sleep-in-atomic: mutex_lock (drv_lock) may sleep, but spinlock stats_lock is held" at 24 always
expect violation "sched/scheduling-while-atomic: mutex_lock (drv_lock) blocks in schedule(), but spinlock stats_lock is held" at 24 sometimes
