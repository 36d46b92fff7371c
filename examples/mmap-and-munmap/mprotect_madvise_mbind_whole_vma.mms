# Q: What do mprotect, a flag-changing madvise and mbind lock when the
#    range is one whole VMA?
# A: Nothing is split or merged (vma_modify() returns the VMA as it is), so
#    the only VMA write lock is the explicit one before the field changes:
#    vma_start_write() before vm_flags_reset_once() in mprotect_fixup() and
#    before vm_flags_reset() in madvise_update_vma(), and do_mbind()'s
#    vma_start_write() loop before vma_replace_policy(). A fault under the
#    VMA read lock on the same VMA waits out each change.
#    (mm/mprotect.c, mm/madvise.c, mm/mempolicy.c)

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread syscalls {
  assert mprotect(m, 0x100000, 2 * PAGE_SIZE, PROT_READ) == 0
  assert madvise(m, 0x100000, 2 * PAGE_SIZE, MADV_DONTFORK) == 0
  assert mbind(m, 0x100000, 2 * PAGE_SIZE, MPOL_BIND) == 0
  assert m.map_count == 1
  assert v.vm_flags & VM_WRITE == 0 && v.vm_flags & VM_DONTCOPY != 0
  assert v.vm_policy == MPOL_BIND
}

thread user {
  touch(m, 0x100000, read)
}

expect ok
