# Q: What goes wrong when a driver sleeps under its spinlock or releases a
#    lock twice?
# A: Under a spinlock nothing may sleep: mutex_lock() and might_sleep()
#    call might_sleep(), "BUG: sleeping function called from invalid
#    context" with CONFIG_DEBUG_ATOMIC_SLEEP (kernel/sched/core.c:
#    __might_resched()), a debug kernel only. The uncontended mutex_lock()
#    stops there: it never reaches schedule(), so a production kernel says
#    nothing. msleep() has no might_sleep() of its own
#    (kernel/time/sleep_timeout.c) but always schedules, and
#    schedule_debug() sees the spinlock's preempt_count on every kernel:
#    "BUG: scheduling while atomic". Releasing a lock not held is
#    lockdep's "bad unlock balance" (print_unlock_imbalance_bug()); a
#    spinlock taken twice spins forever.

spinlock stats_lock
spinlock list_lock
mutex drv_lock

thread ioctl {
  spin_lock(stats_lock)
  mutex_lock(drv_lock)
  mutex_unlock(drv_lock)
  msleep(1)
  might_sleep()
  spin_unlock(stats_lock)
  spin_unlock(stats_lock)
  mutex_unlock(drv_lock)
}

thread twice {
  spin_lock(list_lock)
  spin_lock(list_lock)
}

expect violation "lock/sleep-in-atomic" at 21
expect violation "sched/scheduling-while-atomic: msleep() blocks in schedule(), but spinlock stats_lock is held" at 23
expect violation "lock/sleep-in-atomic" at 24
expect violation "lock/unlock-not-held" at 26
expect violation "lock/unlock-not-held" at 27
expect violation "lock/recursive" at 32
expect deadlock at 32
