# Q: My walker maps a PTE table with pte_offset_map_rw_nolock() and
#    re-checks pmd_same() before it takes the PTE lock. Is that enough?
# A: No. The re-check means something only under the PTE lock:
#    retract_page_tables() (mm/khugepaged.c) detaches the table under the
#    PMD and PTE locks, so between a re-check made before spin_lock() and
#    the change made after it the table may go, and the change is lost
#    with it (the table is freed after RCU, pte_free_defer()). The
#    pte_offset_map_rw_nolock() kernel-doc (mm/pgtable-generic.c) asks for
#    "checking pmd_same() by using the output pmdval before performing the
#    write operations", and __pte_offset_map_lock() does it as
#    "spin_lock(ptl); if (likely(pmd_same(pmdval, pmdp_get_lockless(pmd))))".
#    No kernel check reports the misplaced re-check. The correct use is
#    rcu-and-lockless-walks/retract_page_tables_walker_rechecks_pmd.mms.

mm m
file f
vma v = mmap(m, 0x200000, pages=512, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)

thread khugepaged {
  retract_page_tables(f, 0)
}

thread walker {
  mmap_read_lock(m)
  pte pt = pte_offset_map_rw_nolock(m, 0x200000)
  if pt {
    if pmd_same(pt.pmdval, pmdp_get_lockless(m, 0x200000)) {  # before the lock
      spin_lock(pt.ptl)
      page old = ptep_get_and_clear(pt)
      flush_tlb_range(v, 0x200000, pages=1)
      if old { put_page(old) }
      spin_unlock(pt.ptl)
    }
    pte_unmap(pt)
  }
  mmap_read_unlock(m)
}

expect violation "pgtable/pmd-not-revalidated" at 30 sometimes
