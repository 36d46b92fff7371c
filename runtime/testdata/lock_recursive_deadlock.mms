# Rule lock/recursive, the deadlock it predicts: the reader's second
# mmap_read_lock queues behind a writer that waits for the reader's first
# one (rwsems prefer a queued writer). Rule book 1.1, 2.12, 2.26.

mm m

thread reader {
  mmap_read_lock(m)
  msleep(1)
  mmap_read_lock(m)
  mmap_read_unlock(m)
  mmap_read_unlock(m)
}

thread writer {
  mmap_write_lock(m)
  mmap_write_unlock(m)
}

expect violation "lock/recursive" at 10
expect deadlock
