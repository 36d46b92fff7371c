# Q: I hold a PTE lock and now need the PMD lock of the same table. May I
#    take it?
# A: No: the order is PMD lock -> PTE lock. retract_page_tables() and
#    collapse_pte_mapped_thp() take pmd_lock() first and then the PTE lock
#    with spin_lock_nested(ptl, SINGLE_DEPTH_NESTING) (mm/khugepaged.c);
#    taking them the other way round is an ABBA deadlock against them, and
#    lockdep reports the inversion even on a run where nothing deadlocks.
#    Drop the PTE lock, take pmd_lock(), then re-take and re-check.

mm m
vma v = mmap(m, 0x200000, pages=4, prot=rw)
touch(m, 0x200000, write)

thread t {
  mmap_read_lock(m)
  l = pmd_lock(m, 0x200000)
  pte pt = pte_offset_map_lock(m, 0x200000)
  pte_unmap_unlock(pt)
  spin_unlock(l)
  pte pt2 = pte_offset_map_lock(m, 0x200000)
  l2 = pmd_lock(m, 0x200000)
  spin_unlock(l2)
  pte_unmap_unlock(pt2)
  mmap_read_unlock(m)
}

expect violation "lockdep/circular" at 21
