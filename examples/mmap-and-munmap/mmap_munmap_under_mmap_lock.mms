# Q: May I call mmap or munmap while holding the mmap lock?
# A: No: both take mmap_write_lock_killable() themselves (mm/util.c:
#    vm_mmap_pgoff(); mm/mmap.c: __vm_munmap()), and the rwsem is not
#    recursive: under the read lock the write acquisition waits for the
#    caller itself. Lockdep reports the recursion. In-kernel users that hold
#    the lock call do_mmap() / do_vmi_munmap() instead.

mm m
mm n
mmap(n, 0x100000, pages=1, prot=rw)

thread mapper {
  mmap_read_lock(m)
  mmap(m, 0x100000, pages=1, prot=rw)
}

thread unmapper {
  mmap_read_lock(n)
  munmap(n, 0x100000, pages=1)
}

expect violation "lock/recursive" at 14
expect violation "lock/recursive" at 19
expect deadlock
