# The page-table helpers kernel code calls by name (kernel/pgtable.mms):
# ptep_clear_flush() clears and flushes under the PTE lock (no TLB window
# when the lock drops), flush_tlb_page() is flush_tlb_range() of one page,
# pmd_trans_huge_lock() returns the PMD lock held only for a huge PMD.

mm m
vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=private)
touch(m, 0x100000, write)
vma h = mmap(m, 0x200000, pages=512, prot=rw, flags=private, vm=hugepage)
touch(m, 0x200000, write)

thread migrate {  # migrate_vma_collect_pmd() after 60bae7370896
  mmap_read_lock(m)
  ptep = pte_offset_map_lock(m, 0x100000)
  page p = ptep_clear_flush(v, 0x100000, ptep)
  pte_unmap_unlock(ptep)
  assert p, "the page the entry mapped"
  put_page(p)
  ptl = pmd_trans_huge_lock(h, 0x200000)
  assert ptl, "a huge PMD: its lock, held"
  entry = pmdp_invalidate(h, 0x200000)
  set_huge_pmd_at(h, 0x200000, entry)
  spin_unlock(ptl)
  assert !pmd_trans_huge_lock(v, 0x100000), "a PTE table: nil, nothing held"
  mmap_read_unlock(m)
}
thread user {
  touch(m, 0x100000, read)
}

expect ok
