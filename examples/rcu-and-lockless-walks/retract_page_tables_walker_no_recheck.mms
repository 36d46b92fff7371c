# Q: What if the walker skips the pmd_same re-check after taking the PTE
#    lock?
# A: retract_page_tables() may have detached the table between the walker's
#    pte_offset_map_rw_nolock() and its spin_lock(): the walker then changes
#    an entry of a table no page walk reaches any more (the change is lost,
#    and the table is on its way to being freed). The kernel checks nothing.

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
    page old = ptep_get_and_clear(pt)  # no pmd_same re-check
    flush_tlb_range(v, 0x200000, pages=1)
    if old { put_page(old) }
    spin_unlock(pt.ptl)
    pte_unmap(pt)
  }
  mmap_read_unlock(m)
}

expect violation "pgtable/pmd-not-revalidated" at 22 sometimes
