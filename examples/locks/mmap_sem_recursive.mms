# Q: In a pre-v5.8 script, may a path that holds mm->mmap_sem for read take
#    it again, for write or for read, or use down_*_killable() without
#    testing the result?
# A: No. mmap_sem is one rwsem, not recursive: down_write() under the
#    caller's own read hold waits for itself, and a second down_read()
#    waits behind any writer queued in between: lockdep's "possible
#    recursive locking detected", then the deadlock. down_read_killable()
#    and down_write_killable() are __must_check (include/linux/rwsem.h):
#    on -EINTR the caller holds nothing.

mm m
mm n
mm o

thread upgrade {
  down_read(&m.mmap_sem)
  down_write(&m.mmap_sem)
}

thread reread {
  down_write(&n.mmap_sem)
  down_read(&n.mmap_sem)
}

thread killable {
  down_read_killable(&o.mmap_sem)
  up_read(&o.mmap_sem)
  down_write_killable(&o.mmap_sem)
  up_write(&o.mmap_sem)
}

expect violation "lock/recursive" at 17
expect violation "lock/recursive" at 22
expect violation "down_read_killable/result-unused" at 26
expect violation "down_write_killable/result-unused" at 28
expect deadlock
