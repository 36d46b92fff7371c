# Core dump against mmget_not_zero(), CVE-2019-11599 (Linux up to 5.0;
# fixed in 5.1 by 04f5866e41fb "coredump: fix race condition between
# mmget_not_zero()/get_task_mm() and core dumping").
# Rule: coredump/vma-changed-during-dump.
#
# The core dump walks the VMAs without the mmap lock, trusting that the
# mm's threads are frozen. userfaultfd_release() runs in another process
# (the one that closes the uffd): it takes a reference with
# mmget_not_zero() and the mmap write lock, and clears the VMAs'
# VM_UFFD_* flags under the dump (the reporter turned the same race into
# a read of freed memory through /proc/pid/mem).

mm m
file f
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=f)

thread crash {
  do_coredump(m)  # SIGSEGV with a core dump
}

thread uffd_release {
  # fs/userfaultfd.c (v5.0): userfaultfd_release()
  if mmget_not_zero(m) {
    mmap_write_lock(m)
    vm_flags_clear(v, VM_DONTDUMP)  # vma->vm_flags = new_flags
    mmap_write_unlock(m)
    mmput(m)
  }
}

expect violation "coredump/vma-changed-during-dump" at 25
