# Q: How do I write-lock a VMA so that a fatal signal can interrupt the
#    wait for its readers?
# A: vma_start_write_killable() (include/linux/mmap_lock.h, 2026;
#    process_addrs.rst "Terminology") is vma_start_write() that waits in
#    TASK_KILLABLE and returns -EINTR on a fatal signal: check the result.
#    It needs the mmap write lock (mmap_assert_write_locked() in
#    __vma_start_write()) and, like vma_start_write(), ends with
#    mmap_write_unlock() or mmap_write_downgrade(). mmscript sends no
#    signals: it returns 0 once the readers have left.

mm m
vma v = mmap(m, 0x100000, pages=1, prot=rw)

thread reader {
  vma r = lock_vma_under_rcu(m, 0x100000)
  if r {
    vma_end_read(r)
  }
}

thread writer {
  mmap_write_lock(m)
  if vma_start_write_killable(v) == 0 {
    vm_flags_set(v, VM_DONTEXPAND)
  }
  mmap_write_unlock(m)
}

expect ok
