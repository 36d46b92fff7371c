# Q: My driver calls test_and_set_bit_lock() and goes on whatever it
#    returned, clearing the bit at the end. Is that a lock?
# A: No: test_and_set_bit_lock() returns the old bit, true when another
#    thread holds it (include/asm-generic/bitops/lock.h). Going on then
#    works on the object beside the holder, and the final
#    clear_and_wake_up_bit() clears the holder's bit, which nothing checks.

bitlock obj_lock

thread holder {
  wait_on_bit_lock(obj_lock)
  msleep(1)
  clear_and_wake_up_bit(obj_lock)
}

thread careless {
  test_and_set_bit_lock(obj_lock)  # the result is not tested
  clear_and_wake_up_bit(obj_lock)
}

expect violation "test_and_set_bit_lock/failure-ignored" at 18 sometimes
expect violation "bitlock/clear-not-set" sometimes
