# Q: May kernel code that holds the mmap lock call mlock(), mlock2() or
#    munlock() on that mm, or msync() and mincore()?
# A: No: each takes the mmap lock itself (mm/mlock.c: do_mlock() and
#    SYSCALL_DEFINE2(munlock): mmap_write_lock_killable(); mm/msync.c,
#    mm/mincore.c: mmap_read_lock()), and the rwsem is not recursive:
#    lockdep's recursive locking, and the write acquisitions wait for the
#    caller itself. Under the lock, change the flags as mlock_fixup() does
#    (vma_modify_flags(), vma_start_write(), vm_flags_reset()). mincore()'s
#    copy_to_user() would even fault under the caller's lock.

mm a
mm b
mm c
mm d
mmap(a, 0x100000, pages=1, prot=rw)
mmap(b, 0x100000, pages=1, prot=rw)
mmap(c, 0x100000, pages=1, prot=rw)
mmap(d, 0x100000, pages=1, prot=rw)

thread locker {
  mmap_read_lock(a)
  mlock(a, 0x100000, 0x1000)
}

thread locker2 {
  mmap_write_lock(b)
  mlock2(b, 0x100000, 0x1000, MLOCK_ONFAULT)
}

thread unlocker {
  mmap_read_lock(c)
  munlock(c, 0x100000, 0x1000)
}

thread syncer {
  mmap_read_lock(d)
  msync(d, 0x100000, 0x1000, MS_ASYNC)
  mincore(d, 0x100000, 0x1000, 0x100000)
  mmap_read_unlock(d)
}

expect violation "lock/recursive" at 22
expect violation "lock/recursive" at 27
expect violation "lock/recursive" at 32
expect violation "lock/recursive" at 37
expect violation "lock/recursive" at 38
expect violation "uaccess/might-fault-under-mmap-lock" at 38
expect deadlock
