# Q: My driver passes srcu_read_unlock() a cookie of its own instead of the
#    value srcu_read_lock() returned. What does the kernel say?
# A: An SRCU index is 0 or 1: include/linux/srcu.h: srcu_read_unlock()
#    WARNs on anything else (WARN_ON_ONCE(idx & ~0x1)), then counts the
#    unlock on it.

srcu dev_srcu

thread reader {
  idx = srcu_read_lock(&dev_srcu)
  srcu_read_unlock(&dev_srcu, idx + 2)
}

expect violation "srcu/bad-idx: srcu_read_unlock(&dev_srcu, 2): an SRCU index is 0 or 1" at 11 always
expect violation "srcu/wrong-idx" never
