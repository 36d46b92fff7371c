# Q: My driver keeps a process's mm past the process's exit: which
#    reference, and what does it do before walking the VMAs?
# A: mmgrab() (mm_count) keeps the struct mm_struct alone; the address
#    space lives by mm_users, and the process's last mmput() tears it down
#    (exit_mmap()) and drops the users' mm_count reference (__mmput() ->
#    mmdrop()). Before a walk the driver takes mm_users with
#    mmget_not_zero(), which fails once the mm is exiting, and gives it back
#    with mmput(); at release it drops its mmgrab() with mmdrop()
#    (include/linux/sched/mm.h: mmgrab(), mmdrop(), mmget(),
#    mmget_not_zero(); kernel/fork.c: __mmput(); Documentation/mm/active_mm.rst).

mm m
mmap(m, 0x100000, pages=1, prot=rw)
mmgrab(m)  # the driver's open(): keeps the pointer

thread process {  # hands a reference to a worker, then exits
  mmget(m)  # the process's own mm_users is held: mmget() is enough
  mmput(m)  # the worker's, dropped
  mmput(m)  # do_exit() -> exit_mm() -> mmput(mm)
}

thread driver {
  if mmget_not_zero(m) {
    mmap_read_lock(m)
    vma v = find_vma(m, 0x100000)
    mmap_read_unlock(m)
    mmput(m)
  }
  mmdrop(m)  # the driver's release()
}

expect ok
