# CVE-2019-11599: a core dump reads the VMAs without the mmap lock once
# coredump_wait() froze the threads, but a remote path (userfaultfd_release,
# clear_refs) that took an mm reference with mmget_not_zero() and then the
# mmap write lock still changed the VMAs. Fix 04f5866e41fb "coredump: fix
# race condition between mmget_not_zero()/get_task_mm() and core dumping"
# (mmget_still_valid()), v5.1.
mm m
mmap(m, 0x100000, pages=2, prot=rw, flags=private, vm=uffd_missing)
mmap(m, 0x300000, pages=2, prot=r, flags=private)

thread dumper {
  do_coredump(m)
}

# v5.1 fs/userfaultfd.c: userfaultfd_release() with mmget_still_valid()
thread uffd {
  if mmget_not_zero(m) {
    mmap_write_lock(m)
    if mmget_still_valid(m) {  # 04f5866e41fb: goto skip_mm
      for vma in vmas(m) {
        if vma.vm_flags & VM_UFFD_MISSING != 0 {
          vm_flags_clear(vma, VM_UFFD_MISSING)
        }
      }
    }
    mmap_write_unlock(m)
    mmput(m)
  }
}

expect ok
