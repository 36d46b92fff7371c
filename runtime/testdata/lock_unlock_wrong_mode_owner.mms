# Rule lock/unlock-wrong-mode: up_write() of a read hold warns under
# CONFIG_DEBUG_RWSEMS unless sem->owner names this thread, that is unless it
# was the last reader to take the rwsem and still holds it
# (kernel/locking/rwsem.c: rwsem_set_reader_owned() on every read grant,
# rwsem_clear_reader_owned() in __up_read(), the rwsem_owner(sem) != current
# check in __up_write()). Which it is depends on whether b's read grant
# comes between a's and a's up_write(): two read grants that commute on the
# reader count do not commute on the owner field, and the search tries both
# orders.

mm m

thread a {
  mmap_read_lock(m)
  mmap_write_unlock(m)
  mmap_read_unlock(m)
}

thread b {
  mmap_read_lock(m)
  mmap_read_unlock(m)
}

expect violation "lock/unlock-wrong-mode: mmap_write_unlock: m->mmap_lock is held for read, not write by this thread" at 15 always
expect violation "(this thread took the read lock last: sem->owner is current" at 15 sometimes
