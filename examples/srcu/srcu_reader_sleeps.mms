# Q: My driver's lookups run under its own SRCU domain and may sleep (they
#    take the driver's mutex, wait for I/O); removal unpublishes an entry
#    and calls synchronize_srcu() before freeing it. Is that allowed?
# A: Yes: that is what SRCU is for. An SRCU read-side section may sleep,
#    unlike rcu_read_lock()'s (include/linux/srcu.h); synchronize_srcu()
#    waits for the sections of its srcu_struct that began before it
#    (kernel/rcu/srcutree.c: __synchronize_srcu()), and the mutex is never
#    held across it, so no reader can wait for the remover.

srcu dev_srcu
mutex dev_lock

thread lookup {
  idx = srcu_read_lock(&dev_srcu)
  mutex_lock(dev_lock)  # sleeps: fine inside SRCU
  msleep(1)
  mutex_unlock(dev_lock)
  srcu_read_unlock(&dev_srcu, idx)
}

thread nested_lookup {
  outer = srcu_read_lock(&dev_srcu)
  inner = srcu_read_lock(&dev_srcu)  # sections nest
  srcu_read_unlock(&dev_srcu, inner)
  srcu_read_unlock(&dev_srcu, outer)
}

thread remove {
  mutex_lock(dev_lock)
  # unpublish the entry under the lock ...
  mutex_unlock(dev_lock)
  synchronize_srcu(&dev_srcu)  # every lookup that could see it has left
  # ... then free it
}

expect ok
