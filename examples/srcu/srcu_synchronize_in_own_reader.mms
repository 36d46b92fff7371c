# Q: My driver's release path runs inside an SRCU read-side section of its
#    device list and, on the last reference, calls synchronize_srcu() on
#    the same srcu_struct before freeing. Does that work?
# A: No: synchronize_srcu() waits for every section of that srcu_struct
#    that began before it, its caller's own included, so it never returns.
#    Lockdep reports it on the first run: srcu_lock_sync() is an empty
#    write-side section of the srcu_struct's lockdep map, which this thread
#    holds for read ("possible recursive locking detected",
#    include/linux/srcu.h, kernel/rcu/srcutree.c: __synchronize_srcu()).

srcu dev_srcu

thread release {
  idx = srcu_read_lock(&dev_srcu)
  synchronize_srcu(&dev_srcu)
  srcu_read_unlock(&dev_srcu, idx)
}

expect violation "srcu/synchronize-in-reader: possible recursive locking: synchronize_srcu(&dev_srcu) inside a read-side section of dev_srcu" at 15 always
expect deadlock "release waits for synchronize_srcu(&dev_srcu) grace period" at 15 always
