# Q: How does the core give part of a VMA new flags, as mprotect and
#    madvise do?
# A: Under the mmap write lock: vma_modify_flags() splits (or merges) so
#    that one VMA covers exactly the range, write-locking what it changes;
#    then vma_start_write() and vm_flags_reset() on the result, then
#    change_protection() under each table's lock with an mmu_gather whose
#    tlb_finish_mmu() flushes. (mm/mprotect.c: mprotect_fixup(); mm/vma.c:
#    vma_modify_flags())

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw)

thread t {
  assert touch(m, 0x101000, write)
  mmap_write_lock(m)
  newflags = v.vm_flags ^ VM_WRITE
  w = vma_modify_flags(m, v, v, 0x101000, 0x102000, newflags)
  vma_start_write(w)
  vm_flags_reset(w, newflags)
  tlb = tlb_gather_mmu(m)
  change_protection(tlb, w, 0x101000, 0x102000)
  tlb_finish_mmu(tlb)
  mmap_write_unlock(m)
  assert m.map_count == 3
  assert !touch(m, 0x101000, write)
}

expect ok
