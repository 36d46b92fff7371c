# Q: (v5.1 to v5.9) A path that changes another process's VMAs checks
#    mmget_still_valid() so that it leaves a core-dumping mm alone: may it
#    check before it takes the mmap write lock?
# A: No: coredump_wait() sets mm->core_state under the mmap write lock,
#    and the dump then reads the VMAs without the lock; a check made
#    before the lock can pass just before the dump starts, and the change
#    lands under the dump (CVE-2019-11599; include/linux/sched/mm.h:
#    mmget_still_valid() "has to be called after a get_task_mm()/
#    mmget_not_zero() followed by taking the mmap_sem for writing").
#    Nothing in the kernel reports it: the dump writes an inconsistent
#    core. Check after mmap_write_lock(), as
#    examples/bugs/coredump_mmget-fixed.mms does.

mm m
file f
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=f)

thread crash {
  do_coredump(m)
}

thread uffd_release {
  if mmget_not_zero(m) {
    if mmget_still_valid(m) {
      mmap_write_lock(m)
      vm_flags_clear(v, VM_DONTDUMP)
      mmap_write_unlock(m)
    }
    mmput(m)
  }
}

expect violation "coredump/vma-changed-during-dump" at 26
