# Q: Can I read or write user memory while I hold the mmap lock, say
#    while walking the VMAs?
# A: No: a user access may fault, and the fault takes the mmap lock again.
#    might_fault() reports it to lockdep on every access, faulting or not
#    (might_lock_read(&current->mm->mmap_lock): the recursive read lock
#    deadlocks behind a queued writer). Copy to a kernel buffer under the
#    lock, and to the user after mmap_read_unlock (mm/memory.c:
#    __might_fault()).

mm m
mmap(m, 0x100000, pages=1, prot=rw)
touch(m, 0x100000, write)

thread walker {
  mmap_read_lock(m)
  get_user(m, 0x100000)
  put_user(m, 0x100008)
  copy_from_user(m, 0x100010, 8)
  might_fault(m)
  mmap_read_unlock(m)
}

expect violation "uaccess/might-fault-under-mmap-lock" at 16
expect violation "uaccess/might-fault-under-mmap-lock" at 17
expect violation "uaccess/might-fault-under-mmap-lock" at 18
expect violation "uaccess/might-fault-under-mmap-lock" at 19
