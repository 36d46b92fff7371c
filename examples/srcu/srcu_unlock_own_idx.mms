# Q: How does a reader pass its index to srcu_read_unlock() when readers
#    and grace periods interleave?
# A: Each section keeps the value its own srcu_read_lock() returned, in a
#    local, and hands exactly that to its srcu_read_unlock(): 0 or 1,
#    whichever the grace periods left in ssp->srcu_idx at the lock.

srcu dev_srcu

thread updater {
  synchronize_srcu(&dev_srcu)
}

thread reader {
  idx = srcu_read_lock(&dev_srcu)
  srcu_read_unlock(&dev_srcu, idx)
}

thread second_reader {
  idx = srcu_read_lock(&dev_srcu)
  srcu_read_unlock(&dev_srcu, idx)
}

expect ok
