# Q: mmap_write_lock_nested() keeps lockdep quiet about holding two mmap
#    locks. May I use it to lock two live mms, say to copy between them?
# A: No. dup_mmap() may, because the child's mm is "Not linked in yet - no
#    deadlock potential": nobody else can take its lock. Two live mms
#    locked in opposite orders by two threads deadlock (an ABBA on
#    &mm->mmap_lock), and the _nested annotation is what stops lockdep from
#    saying so: the hung-task detector reports it after 120 seconds
#    (include/linux/mmap_lock.h: mmap_write_lock_nested(); mm/mmap.c:
#    dup_mmap()).

mm a
mm b

thread t1 {
  mmap_write_lock(a)
  mmap_write_lock_nested(b)
  mmap_write_unlock(b)
  mmap_write_unlock(a)
}

thread t2 {
  mmap_write_lock(b)
  mmap_write_lock_nested(a)
  mmap_write_unlock(a)
  mmap_write_unlock(b)
}

expect deadlock at 16
