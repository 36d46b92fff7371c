# Rule lock/recursive: an rwsem is not recursive. A second mmap_read_lock
# by the holder is reported by lockdep even when, as here, no writer is
# queued, because with one queued it deadlocks (see
# lock_recursive_deadlock.mms). Rule book 1.1, 2.12.

mm m
file f

thread t {
  mmap_read_lock(m)
  mmap_read_lock(m)
  mmap_read_unlock(m)
  mmap_read_unlock(m)
  i_mmap_lock_write(f)
  i_mmap_lock_read(f)
}

expect violation "lock/recursive: recursive locking: m->mmap_lock already held for read" at 11
expect violation "lock/recursive: recursive locking: f->i_mmap_rwsem already held for write" at 15
expect deadlock
