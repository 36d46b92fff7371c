# Q: Code written before v6.12 maps a PTE table with pte_offset_map_nolock()
#    and takes the PTE lock itself. What if it skips the pmd_same re-check?
# A: pte_offset_map_nolock() is what v6.12 split into
#    pte_offset_map_ro_nolock() and pte_offset_map_rw_nolock(), with the same
#    duty for a writer: retract_page_tables() may have detached the table
#    between the map and the spin_lock(), so the change lands in a table no
#    walk reaches any more. The kernel checks nothing
#    (mm/pgtable-generic.c: pte_offset_map_nolock() before v6.12).

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
    page old = ptep_get_and_clear(pt)  # no pmd_same re-check
    flush_tlb_range(v, 0x200000, pages=1)
    if old { put_page(old) }
    spin_unlock(pt.ptl)
    pte_unmap(pt)
  }
  mmap_read_unlock(m)
}

expect violation "pgtable/pmd-not-revalidated" at 24 sometimes
