# Q: May kernel code holding the mmap lock move the break (brk)?
# A: No: SYSCALL_DEFINE1(brk) takes the mmap write lock itself
#    (mmap_write_lock_killable), so a task holding it for read deadlocks
#    against itself (lockdep: recursive locking). (mm/mmap.c:
#    SYSCALL_DEFINE1(brk))

mm m
b = m.brk

thread t {
  mmap_read_lock(m)
  brk(m, b + PAGE_SIZE)
  mmap_read_unlock(m)
}

expect violation "lock/recursive" at 12
expect deadlock
