# Q: How do two paths take two bit locks safely?
# A: In one order everywhere (nothing checks it for you: bit locks have no
#    lockdep map). test_and_set_bit_lock() takes one without waiting and
#    returns the old bit: false when this call took it, and only then does
#    the caller hold it.

bitlock obj_a
bitlock obj_b

thread path1 {
  wait_on_bit_lock(obj_a)
  wait_on_bit_lock(obj_b)
  clear_and_wake_up_bit(obj_b)
  clear_and_wake_up_bit(obj_a)
}

thread path2 {
  if !test_and_set_bit_lock(obj_a) {
    wait_on_bit_lock(obj_b)
    clear_and_wake_up_bit(obj_b)
    clear_and_wake_up_bit(obj_a)
  }
}

expect ok
