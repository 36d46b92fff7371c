# Rule remap_pfn_range/pmd-trans-huge: remap_pfn_range() maps PTE tables.
# remap_pmd_range() (mm/memory.c) VM_BUG_ON()s a huge first PMD of each PUD
# span (CONFIG_DEBUG_VM); past it, and under any huge PMD later in the
# range, remap_pte_range()'s pte_alloc_map_lock() finds no PTE table and
# returns -ENOMEM, and remap_pfn_range_notrack() zaps the whole range ("A
# partial pfn range mapping is dangerous"): the THP is unmapped, not split.

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private, vm=hugepage)
touch(m, 0x200000, write)
vma w = mmap(m, 0x13ff000, pages=513, prot=rw, flags=private | fixed, vm=hugepage)
touch(m, 0x1400000, write)

thread t {
  mmap_write_lock(m)
  # the THP is the range's first PMD: VM_BUG_ON, then -ENOMEM
  rc = remap_pfn_range(v, 0x200000, 0x80000, pages=512)
  assert rc == -ENOMEM
  assert pmd_none(pmdp_get_lockless(m, 0x200000))
  assert v.vm_flags & VM_PFNMAP
  # the THP is the second PMD (not PUD-aligned): -ENOMEM only; the PTE
  # remap_pte_range() set at 0x13ff000 before it is zapped again
  rc = remap_pfn_range(w, 0x13ff000, 0x90000, pages=513)
  assert rc == -ENOMEM
  assert pmd_none(pmdp_get_lockless(m, 0x1400000))
  pte pt = pte_offset_map_lock(m, 0x13ff000)
  assert !pt.present, "zapped"
  pte_unmap_unlock(pt)
  mmap_write_unlock(m)
}

expect violation "remap_pfn_range/pmd-trans-huge" at 17
