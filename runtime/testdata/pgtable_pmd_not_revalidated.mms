# Rule pgtable/pmd-not-revalidated: a walker maps a PTE table without its
# lock, retract_page_tables() detaches the table (PMD and PTE locks), and
# the walker, once it has the PTE lock, changes an entry without checking
# pmd_same: the change goes to a table no walk reaches. A script's
# iteration of i_mmap without the lock is rmap/iterate-needs-rmap-lock,
# and khugepaged's revalidation without the mmap lock its own rule.

mm m
file f
vma v = mmap(m, 0x200000, pages=512, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)

thread walker {
  mmap_read_lock(m)
  pte pt = pte_offset_map_rw_nolock(m, 0x200000)
  retract_page_tables(f, 0)  # the same thread, to fix the order
  spin_lock(pt.ptl)
  ptep_get_and_clear(pt)
  spin_unlock(pt.ptl)
  pte_unmap(pt)
  mmap_read_unlock(m)
  n = vma_interval_tree_count(f, 0)
  hugepage_vma_revalidate(m, 0x200000)
}

expect violation "pgtable/pmd-not-revalidated" at 18
expect violation "tlb/flush-before-ptl-drop" at 19  # and no flush before the PTE lock drops
expect violation "rmap/iterate-needs-rmap-lock" at 22
expect violation "hugepage_vma_revalidate/needs-mmap-lock" at 23
expect violation "lock/sleep-in-atomic" at 16  # retract_page_tables inside the walker's RCU section
expect single_run
