# Rule lock/unlock-not-held: a thread releases only what it holds, in the
# mode it holds it ("bad unlock balance detected"). Rule book 1.1.

mm m

thread t {
  mmap_read_unlock(m)
  mmap_read_lock(m)
  mmap_write_unlock(m)
  mmap_read_unlock(m)
  spin_unlock(m.page_table_lock)
}

expect violation "lock/unlock-not-held: mmap_read_unlock: m->mmap_lock is not held by this thread" at 7
expect violation "lock/unlock-not-held: mmap_write_unlock: m->mmap_lock is held for read, not write" at 9
expect violation "lock/unlock-not-held: spin_unlock" at 11
