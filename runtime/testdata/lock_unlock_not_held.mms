# Rule lock/unlock-not-held: a thread releases only what it holds ("bad
# unlock balance detected"). Rule lock/unlock-wrong-mode: an rwsem is
# released in the mode it is held (CONFIG_DEBUG_RWSEMS only; lockdep
# matches a release by instance). Rule book 1.1.

mm m

thread t {
  mmap_read_unlock(m)
  mmap_read_lock(m)
  mmap_write_unlock(m)
  mmap_read_unlock(m)
  spin_unlock(m.page_table_lock)
}

expect violation "lock/unlock-not-held: mmap_read_unlock: m->mmap_lock is not held by this thread" at 9
expect violation "lock/unlock-wrong-mode: mmap_write_unlock: m->mmap_lock is held for read, not write" at 11
expect violation "lock/unlock-not-held: spin_unlock" at 13
