# Q: What goes wrong when a thread releases the mmap lock in the wrong mode,
#    downgrades a lock it does not hold for write, or takes it again?
# A: After mmap_write_downgrade() the lock is held for read: release it with
#    mmap_read_unlock(), not mmap_write_unlock(). A release in the wrong mode
#    corrupts the rwsem count; lockdep matches a release by lock, not by mode
#    (kernel/locking/lockdep.c: __lock_release()), so only CONFIG_DEBUG_RWSEMS
#    catches it (kernel/locking/rwsem.c: __up_read(), __up_write()
#    DEBUG_RWSEMS_WARN_ON): rule lock/unlock-wrong-mode.
#    Downgrading a read lock is lockdep's WARN "downgrading a read lock"
#    (__lock_downgrade()). A second read acquisition is "possible recursive
#    locking" (check_deadlock()): an rwsem lets no reader past a queued
#    writer, so it deadlocks as soon as one queues. All silent on a
#    production kernel.

mm m
mm n
mm o

thread t {
  mmap_write_lock(m)
  mmap_write_downgrade(m)
  mmap_write_unlock(m)
  mmap_read_unlock(m)
  mmap_read_lock(n)
  mmap_write_downgrade(n)
  err = mmap_read_lock_killable(n)  # 0: no fatal signal ends the wait
  mmap_read_unlock(n)
  mmap_read_unlock(n)
  mmap_write_lock(o)
  mmap_read_unlock(o)
  mmap_write_unlock(o)
}

expect violation "lock/unlock-wrong-mode: mmap_write_unlock" at 22
expect violation "lock/unlock-not-held: mmap_write_downgrade" at 25
expect violation "lock/recursive" at 26
expect violation "lock/unlock-wrong-mode: mmap_read_unlock" at 30
