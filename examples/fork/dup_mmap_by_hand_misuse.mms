# Q: Copying a VMA's page tables for a child, which shortcuts break?
# A: copy_present_ptes() without the parent's PTE lock: it write-protects
#    the parent's COW entries, which its faults change under the same lock
#    (mm/memory.c: copy_pte_range() takes both PTE locks). vm_area_dup()
#    under a spinlock: it allocates with GFP_KERNEL. Copying from a parent
#    VMA that is not write-locked: a fault under the VMA read lock may set
#    up its anon_vma or entries halfway through the copy (49b0638502da,
#    the fork/VMA-lock fix). Nothing checks the last at run time.

mm parent
spinlock stats_lock
vma pv = mmap(parent, 0x200000, pages=2, prot=rw)
touch(parent, 0x200000, write)

thread forker {
  child = dup_mm_alloc(parent)
  mmap_write_lock(parent)
  mmap_write_lock_nested(child)
  src = vma_iter_nth(parent, 0)
  spin_lock(stats_lock)
  dst = vm_area_dup(src, mm=child)
  spin_unlock(stats_lock)
  anon_vma_fork(dst, src)
  vma_iter_bulk_store(dst, src)
  assert pte_alloc(child, 0x200000)
  dst_pte = pte_offset_map_lock(child, 0x200000)
  copy_present_ptes(dst, src, 0x200000, 0x202000)
  pte_unmap_unlock(dst_pte)
  mmap_write_unlock(child)
  flush_tlb_mm(parent)
  mmap_write_unlock(parent)
}

expect violation "lock/sleep-in-atomic: vm_area_dup" at 21
expect violation "vma/faults-need-vma-write-lock: anon_vma_fork" at 23
expect violation "pgtable/change-needs-ptl: copy_present_ptes" at 27
