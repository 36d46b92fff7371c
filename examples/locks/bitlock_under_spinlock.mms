# Q: May I wait for a bit lock under a spinlock?
# A: No: wait_on_bit_lock() sleeps until the bit is clear, and says so
#    with might_sleep() first (include/linux/wait_bit.h), which a debug
#    kernel reports under a spinlock whether or not the bit is set.

spinlock list_lock
bitlock obj_lock

thread t {
  spin_lock(list_lock)
  wait_on_bit_lock(obj_lock)
  clear_and_wake_up_bit(obj_lock)
  spin_unlock(list_lock)
}

expect violation "lock/sleep-in-atomic" at 11 always
