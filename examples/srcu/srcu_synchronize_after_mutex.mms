# Q: How does my reconfiguration wait for SRCU lookups that take its
#    mutex, without the lockdep cycle of holding the mutex across
#    synchronize_srcu()?
# A: Unpublish under the mutex, drop it, then synchronize_srcu(): a lookup
#    then waits for the mutex only while the reconfiguration holds it, and
#    the grace period waits for no lock.

srcu dev_srcu
mutex cfg_lock

thread lookup {
  idx = srcu_read_lock(&dev_srcu)
  mutex_lock(cfg_lock)
  mutex_unlock(cfg_lock)
  srcu_read_unlock(&dev_srcu, idx)
}

thread reconfigure {
  mutex_lock(cfg_lock)
  # unpublish the old configuration ...
  mutex_unlock(cfg_lock)
  synchronize_srcu(&dev_srcu)
}

expect ok
