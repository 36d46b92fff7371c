# Q: My handler found the VMA with lock_vma_under_rcu() and holds its read
#    lock. May it fault the user's buffer in with fault_in_readable()
#    before copying?
# A: No. A missing page takes the kernel-mode fault, and the kernel-mode
#    fault takes the mmap read lock (arch/x86/mm/fault.c:
#    do_user_addr_fault() goes to lock_mmap for an access without
#    X86_PF_USER): the mmap lock under a VMA lock, the inverse of the
#    order a writer takes them in (mmap_write_lock() -> vma_start_write(),
#    which waits for the VMA's readers). With a writer such as mprotect()
#    on the same mm, each waits for the other. Drop the VMA lock first
#    (vma_end_read()), fault in, then look the VMA up again.

mm m
mmap(m, 0x200000, pages=1, prot=rw)  # not yet touched

thread reader {
  vma = lock_vma_under_rcu(m, 0x200000)
  if vma {
    left = fault_in_readable(m, 0x200000, PAGE_SIZE)
    vma_end_read(vma)
  }
}

thread protector {
  mprotect(m, 0x200000, PAGE_SIZE, PROT_READ)
}

expect violation "lock/mmap-under-vma-read" at 19 sometimes
expect deadlock "reader waits for m->mmap_lock (read) held by protector" sometimes
