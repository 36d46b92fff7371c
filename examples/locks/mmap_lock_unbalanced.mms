# Q: What does lockdep say when a thread releases the mmap lock in the wrong
#    mode, or takes it again?
# A: After mmap_write_downgrade() the lock is held for read: release it with
#    mmap_read_unlock(), not mmap_write_unlock(). Downgrading a read lock and
#    releasing a write lock as a read lock are "bad unlock balance" splats
#    (kernel/locking/lockdep.c: print_unlock_imbalance_bug(), reached from
#    lock_downgrade() and lock_release()); a second read acquisition is
#    "possible recursive locking" (check_deadlock()): an rwsem lets no reader
#    past a queued writer, so it deadlocks as soon as one queues. All
#    lockdep: silent on a kernel without CONFIG_PROVE_LOCKING.

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
  mmap_read_lock_killable(n)
  mmap_read_unlock(n)
  mmap_read_unlock(n)
  mmap_write_lock(o)
  mmap_read_unlock(o)
  mmap_write_unlock(o)
}

expect violation "lock/unlock-not-held: mmap_write_unlock" at 19
expect violation "lock/unlock-not-held: mmap_write_downgrade" at 22
expect violation "lock/recursive" at 23
expect violation "lock/unlock-not-held: mmap_read_unlock" at 27
