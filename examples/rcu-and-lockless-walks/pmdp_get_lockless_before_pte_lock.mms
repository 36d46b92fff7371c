# Q: May my walker read the PMD with pmdp_get_lockless() before it takes
#    the PTE lock, and compare that value with pmd_same() under the lock?
# A: No. Both values are then from before the lock, and they agree even
#    when retract_page_tables() (mm/khugepaged.c) detached the table in
#    between: the re-check compares the entry read under the PTE lock,
#    "spin_lock(ptl); if (likely(pmd_same(pmdval, pmdp_get_lockless(pmd))))"
#    (mm/pgtable-generic.c: __pte_offset_map_lock()). A change made after
#    the stale re-check is lost with the detached table. No kernel check
#    reports it. The correct use is
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
    pmdval = pmdp_get_lockless(m, 0x200000)  # read before the lock
    spin_lock(pt.ptl)
    if pmd_same(pt.pmdval, pmdval) {
      page old = ptep_get_and_clear(pt)
      flush_tlb_range(v, 0x200000, pages=1)
      if old { put_page(old) }
    }
    spin_unlock(pt.ptl)
    pte_unmap(pt)
  }
  mmap_read_unlock(m)
}

expect violation "pgtable/pmd-not-revalidated" at 28 sometimes
