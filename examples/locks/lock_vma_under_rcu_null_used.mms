# Q: My fault path calls lock_vma_under_rcu(). May I use what it returns
#    without testing it?
# A: No: it returns NULL whenever it cannot take the VMA read lock at once
#    (the VMA is write-locked or a writer waits for its readers, or it was
#    detached or reused under RCU), not only when no VMA covers the
#    address; it never waits. The caller tests the result and falls back
#    to the mmap read lock (process_addrs.rst "Lock usage";
#    arch/x86/mm/fault.c: do_user_addr_fault() -> lock_mm_and_find_vma()).
#    Used untested, the NULL is dereferenced: "BUG: kernel NULL pointer
#    dereference", an oops that kills the task with its locks held. Here
#    it happens only when the writer's vma_start_write() comes first.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread mprotect {  # the VMA write lock, as mprotect_fixup() takes it
  mmap_write_lock(m)
  vma_start_write(v)
  mmap_write_unlock(m)
}

thread fault {  # arch/x86/mm/fault.c: do_user_addr_fault(), without its "if (!vma) goto lock_mmap;"
  vma vma = lock_vma_under_rcu(m, 0x100000)
  if vma.vm_flags & VM_WRITE == 0 {  # access_error()
    vma_end_read(vma)
  } else {
    fault = handle_mm_fault(vma, 0x100000, flags=write | vma_lock)
    if fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED) == 0 {
      vma_end_read(vma)
    }
  }
}

expect fatal "lock_vma_under_rcu/null-dereferenced" at 24 sometimes
