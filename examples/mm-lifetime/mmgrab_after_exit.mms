# Q: My driver saves current->mm in open() without a reference and calls
#    mmgrab(mm) later, from a work item. Is that late mmgrab() enough?
# A: No: mmgrab() keeps the struct only from the moment it runs; if the
#    process exited in between, its last mmput() dropped the users'
#    mm_count reference (__mmput() -> mmdrop()) and the struct is freed: the
#    mmgrab() itself is a use after free. Take it in open(), while the
#    process's own reference still holds (include/linux/sched/mm.h:
#    mmgrab(); kernel/fork.c: __mmput()). And a worker that holds only
#    mm_count takes mm_users with mmget_not_zero(), not mmget(), which
#    would bring back the address space exit_mmap() tore down.

mm m
mmap(m, 0x100000, pages=1, prot=rw)

thread process {
  mmput(m)  # do_exit() -> exit_mm() -> mmput(mm)
}

thread work {
  mmgrab(m)  # too late: the process may be gone
  mmdrop(m)
}

expect violation "mm/use-after-mmdrop" at 20 sometimes
