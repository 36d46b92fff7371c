# Q: My error path calls clear_and_wake_up_bit() on a bit lock it may not
#    have set. The kernel never complains; is it harmless?
# A: No: a bit has no owner, so clearing it is never checked
#    (include/linux/wait_bit.h: clear_and_wake_up_bit() is
#    clear_bit_unlock() and wake_up_bit()), and a clear of a clear bit
#    means two paths believe they own it; the one that sets it next runs
#    beside the other.

bitlock obj_lock

thread ioctl {
  wait_on_bit_lock(obj_lock)
  clear_and_wake_up_bit(obj_lock)
  clear_and_wake_up_bit(obj_lock)  # the error path's release, again
}

expect violation "bitlock/clear-not-set: clear_and_wake_up_bit: obj_lock is not set" at 14 always
