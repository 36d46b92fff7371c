# Q: A syscall takes the mmap write lock with mmap_write_lock_killable().
#    May it ignore the result?
# A: No. It returns -EINTR when a fatal signal ends the wait
#    (down_write_killable()); the caller then holds nothing, changes the
#    VMA beside whoever holds the lock, and its mmap_write_unlock()
#    releases a lock it never took. Every caller in mm/ tests it
#    ("if (mmap_write_lock_killable(mm)) return -EINTR;", e.g. mm/mmap.c:
#    SYSCALL_DEFINE1(brk), mm/vma.c: __vm_munmap() callers, mm/mprotect.c:
#    do_mprotect_pkey()). It is __must_check since 52f657e34d7b (2026,
#    include/linux/mmap_lock.h): the compiler warns where the result is
#    discarded, an error with CONFIG_WERROR; Linux 6.18 has no
#    __must_check there (`-kernel 6.18`: no finding). mmscript sends no
#    fatal signals, so the lock is taken here and the finding is the
#    build's. The correct use is locks/mmap_lock_write_then_downgrade.mms.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread madvise {  # MADV_DONTFORK without madvise_lock()'s test
  mmap_write_lock_killable(m)
  vm_flags_set(v, VM_DONTCOPY)
  mmap_write_unlock(m)
}

expect violation "mmap_write_lock_killable/result-unused" at 20
