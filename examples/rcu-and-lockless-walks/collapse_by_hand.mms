# Q: Which locks does an anonymous THP collapse hold at each step, written
#    out as collapse_huge_page() runs it?
# A: The mmap lock for write with the VMA looked up again after taking it
#    (hugepage_vma_revalidate()) and write-locked; the anon_vma lock for
#    write while the PTE table is detached (pmdp_collapse_flush() under the
#    PMD lock), then tlb_remove_table_sync_one() so that no GUP-fast walker
#    is still in the old table; the old table's PTE lock to isolate its
#    pages; the PMD lock again to install the huge PMD (set_pmd_at()) or
#    put the table back (pmd_populate()) (mm/khugepaged.c).

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw)
touch(m, 0x200000, write)

thread khugepaged {
  mmap_read_lock(m)
  vma = hugepage_vma_revalidate(m, 0x200000)
  pte = pte_offset_map_lock(m, 0x200000)
  result = hpage_collapse_scan_ptes(vma, 0x200000, pte)
  pte_unmap_unlock(pte)
  mmap_read_unlock(m)
  assert result == SCAN_SUCCEED
  mmap_write_lock(m)
  vma = hugepage_vma_revalidate(m, 0x200000)
  vma_start_write(vma)
  anon_vma_lock_write(vma)
  ptl = pmd_lock(m, 0x200000)
  old = pmdp_collapse_flush(vma, 0x200000)
  spin_unlock(ptl)
  tlb_remove_table_sync_one()
  pte = pte_offset_map_lock(m, 0x200000, pmdval=old.pmdval)
  result = __collapse_huge_page_isolate(vma, 0x200000, pte)
  spin_unlock(pte.ptl)
  assert result == SCAN_SUCCEED
  anon_vma_unlock_write(vma)
  folio = __collapse_huge_page_copy(pte, vma, 0x200000)
  pte_unmap(pte)
  spin_lock(ptl)
  set_pmd_at(vma, 0x200000, folio)
  spin_unlock(ptl)
  mmap_write_unlock(m)
  assert touch(m, 0x200000, read)
}

thread restore {
  # the failure path: the detached table goes back under the PMD lock
  mm m2
  vma w = mmap(m2, 0x200000, pages=512, prot=rw)
  touch(m2, 0x200000, write)
  mmap_write_lock(m2)
  vma_start_write(w)
  anon_vma_lock_write(w)
  ptl = pmd_lock(m2, 0x200000)
  old = pmdp_collapse_flush(w, 0x200000)
  spin_unlock(ptl)
  tlb_remove_table_sync_one()
  spin_lock(ptl)
  pmd_populate(m2, 0x200000, old)
  spin_unlock(ptl)
  anon_vma_unlock_write(w)
  mmap_write_unlock(m2)
  assert touch(m2, 0x200000, read)
}

expect ok
