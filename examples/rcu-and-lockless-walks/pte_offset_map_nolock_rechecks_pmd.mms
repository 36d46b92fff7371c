# Q: Code written before v6.12 maps a PTE table with pte_offset_map_nolock()
#    and takes the PTE lock itself. How does it stay correct against
#    retract_page_tables()?
# A: As with pte_offset_map_rw_nolock(), its v6.12 successor: after
#    spin_lock(ptl) re-read the PMD and compare it with the value the map
#    used (pmd_same()); if it changed, the table was detached: drop it and
#    retry (mm/pgtable-generic.c: pte_offset_map_nolock() before v6.12).

mm m
file f
vma v = mmap(m, 0x200000, pages=512, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)

thread khugepaged {
  retract_page_tables(f, 0)
}

thread walker {
  mmap_read_lock(m)
  pte pt = pte_offset_map_nolock(m, 0x200000)
  if pt {
    spin_lock(pt.ptl)
    if pmd_same(pt.pmdval, pmdp_get_lockless(m, 0x200000)) {
      page old = ptep_get_and_clear(pt)
      flush_tlb_range(v, 0x200000, pages=1)
      if old { put_page(old) }
    }
    spin_unlock(pt.ptl)
    pte_unmap(pt)
  }
  mmap_read_unlock(m)
}

expect ok
