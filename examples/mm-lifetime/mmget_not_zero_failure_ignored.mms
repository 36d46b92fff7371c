# Q: A remote path reaches another process's mm through a saved pointer
#    (mmgrab(): mm_count only). May it walk the VMAs after
#    mmget_not_zero() without testing the result?
# A: No. include/linux/sched/mm.h: mmget_not_zero() is
#    atomic_inc_not_zero(&mm->mm_users): it fails once the process's last
#    mmput() has run, and kernel/fork.c: __mmput() -> exit_mmap() then
#    tears the VMAs and page tables down. No kernel check catches a caller
#    that goes on: its walk reads what exit_mmap() freed, a use-after-free
#    only KASAN reports (commit cb185d5f1ebf "userfaultfd: fix a race
#    between writeprotect and exit_mmap()" added the missing
#    mmget_not_zero()). The correct use is
#    bugs/coredump_mmget-fixed.mms; without the mmap lock's check, see
#    mm-lifetime/ksm_walk_after_exit_check.mms.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=private)
touch(m, 0x100000, write)

mmgrab(m)  # the pointer the other side keeps: mm_count (mmgrab())

thread owner {  # do_exit() -> exit_mm() -> mmput(mm)
  mmput(m)
}

thread remote {
  repeat 4 {
    msleep(1)  # it comes back to the saved mm later
  }
  mmget_not_zero(m)  # the result is dropped
  mmap_read_lock(m)
  vma w = find_vma(m, 0x100000)
  mmap_read_unlock(m)
}

expect violation "mmget_not_zero/failure-ignored" at 31 sometimes
