# Q: My driver keeps the index srcu_read_lock() returned in a field shared
#    by all its readers, and each reader passes that field to
#    srcu_read_unlock(). It is always 0 or 1; is that good enough?
# A: No: the index says which of the two counters the section was counted
#    on (kernel/rcu/srcutree.c: __srcu_read_lock() returns
#    ssp->srcu_idx & 1, which each grace period flips), and the unlock is
#    counted on the index it is given. A reader that began after a grace
#    period flipped it, unlocking with another reader's index, unbalances
#    both counters: a later synchronize_srcu() waits forever for one, or
#    returns while a reader is still inside. The kernel checks only that
#    the index is 0 or 1 (include/linux/srcu.h: WARN_ON_ONCE(idx & ~0x1)).

srcu dev_srcu
int shared_idx = 0

thread updater {
  synchronize_srcu(&dev_srcu)
}

thread reader {
  mine = srcu_read_lock(&dev_srcu)
  shared_idx = mine
  srcu_read_unlock(&dev_srcu, 0)  # another reader's index, not this section's
}

expect violation "srcu/wrong-idx" at 23 sometimes
