# Q: khugepaged's retract_page_tables() clears a PMD under the PMD and PTE
#    locks only (no mmap lock, no VMA lock). How does a walker that maps a
#    PTE table without its lock (pte_offset_map_rw_nolock) stay safe?
# A: It takes the PTE lock, then re-checks that the PMD still points to
#    the table (pmd_same) before changing an entry; the table itself is
#    freed through RCU (pte_free_defer), so the mapping stays readable.
#    mm/pgtable-generic.c: pte_offset_map_rw_nolock() kernel-doc;
#    mm/khugepaged.c: retract_page_tables().

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
