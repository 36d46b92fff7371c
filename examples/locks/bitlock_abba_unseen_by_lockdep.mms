# Q: My driver locks two objects with bit locks of their own
#    (wait_on_bit_lock() on a flags word, clear_and_wake_up_bit() to
#    release), in either order depending on the path. Lockdep never said a
#    word on my debug kernel; is the order therefore fine?
# A: No: a bit lock has no lockdep map (include/linux/wait_bit.h:
#    wait_on_bit_lock() is might_sleep() and test_and_set_bit(), nothing
#    more), so lockdep cannot see the inversion. The two paths deadlock
#    when they interleave, and only running them finds it (mmscript
#    explore, as for the folio lock).

bitlock obj_a
bitlock obj_b

thread path1 {
  wait_on_bit_lock(obj_a)
  wait_on_bit_lock(obj_b)
  clear_and_wake_up_bit(obj_b)
  clear_and_wake_up_bit(obj_a)
}

thread path2 {
  wait_on_bit_lock(obj_b)
  wait_on_bit_lock(obj_a)
  clear_and_wake_up_bit(obj_a)
  clear_and_wake_up_bit(obj_b)
}

expect deadlock "path1 waits for obj_b held by path2" at 16 sometimes
expect violation "lockdep/circular" never
