# Q: My error path calls srcu_read_unlock() though the lookup that took
#    the section already left it. Harmless?
# A: No: the second unlock is counted with no lock to match, and lockdep,
#    which holds the srcu_struct's map for each section
#    (srcu_lock_release()), finds nothing to release: "bad unlock balance
#    detected" (kernel/locking/lockdep.c: print_unlock_imbalance_bug()).

srcu dev_srcu

thread lookup {
  idx = srcu_read_lock(&dev_srcu)
  srcu_read_unlock(&dev_srcu, idx)
  srcu_read_unlock(&dev_srcu, idx)  # the error path's unlock
}

expect violation "lock/unlock-not-held: srcu_read_unlock: no read-side section of dev_srcu is open in this thread" at 13 always
