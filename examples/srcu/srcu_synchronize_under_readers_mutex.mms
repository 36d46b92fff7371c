# Q: My driver's reconfiguration holds its mutex across synchronize_srcu(),
#    and its lookups take that mutex inside their SRCU sections. Lookups
#    never block the reconfiguration, do they?
# A: They do: synchronize_srcu() waits for a lookup that began before it,
#    and that lookup waits for the mutex the reconfiguration holds. Lockdep
#    sees the cycle on any run where both happen, deadlock or not, since
#    v6.3's SRCU annotations (include/linux/srcu.h: srcu_lock_sync() orders
#    the srcu_struct after every lock held, srcu_lock_acquire() every lock
#    taken in the section after the srcu_struct).

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
  synchronize_srcu(&dev_srcu)
  mutex_unlock(cfg_lock)
}

expect violation "lockdep/circular" always
expect deadlock "reconfigure waits for synchronize_srcu(&dev_srcu) grace period" sometimes
