# Q: A collapse by hand holds the mmap write lock throughout. Which of its
#    steps still need a lock of their own?
# A: hugepage_vma_revalidate() needs the mmap lock it looks the VMA up
#    under (the VMA found before the lock was dropped may be gone). The
#    scan and the isolation read and clear PTEs: the table's PTE lock,
#    since rmap walkers and GUP reach the table without the mmap lock.
#    set_pmd_at() and pmd_populate() change the PMD: the PMD lock
#    (mm/khugepaged.c: collapse_huge_page()). Nothing in the kernel checks
#    any of it; the result is a lost or doubled mapping.

mm m
mm m2
vma v = mmap(m, 0x200000, pages=512, prot=rw)
vma w = mmap(m2, 0x200000, pages=512, prot=rw)
touch(m, 0x200000, write)
touch(m2, 0x200000, write)

thread khugepaged {
  vma = hugepage_vma_revalidate(m, 0x200000)
  mmap_read_lock(m)
  pte = pte_offset_map(m, 0x200000)
  result = hpage_collapse_scan_ptes(v, 0x200000, pte)
  pte_unmap(pte)
  mmap_read_unlock(m)
  mmap_write_lock(m)
  vma_start_write(v)
  anon_vma_lock_write(v)
  ptl = pmd_lock(m, 0x200000)
  old = pmdp_collapse_flush(v, 0x200000)
  spin_unlock(ptl)
  tlb_remove_table_sync_one()
  pte = pte_offset_map(m, 0x200000, pmdval=old.pmdval)
  result = __collapse_huge_page_isolate(v, 0x200000, pte)
  anon_vma_unlock_write(v)
  folio = __collapse_huge_page_copy(pte, v, 0x200000)
  pte_unmap(pte)
  set_pmd_at(v, 0x200000, folio)
  mmap_write_unlock(m)
}

thread restore {
  mmap_write_lock(m2)
  vma_start_write(w)
  anon_vma_lock_write(w)
  ptl = pmd_lock(m2, 0x200000)
  old = pmdp_collapse_flush(w, 0x200000)
  spin_unlock(ptl)
  tlb_remove_table_sync_one()
  pmd_populate(m2, 0x200000, old)
  anon_vma_unlock_write(w)
  mmap_write_unlock(m2)
}

expect violation "hugepage_vma_revalidate/needs-mmap-lock" at 19
expect violation "pgtable/change-needs-ptl: hpage_collapse_scan_ptes" at 22
expect violation "pgtable/change-needs-ptl: __collapse_huge_page_isolate" at 33
expect violation "pgtable/change-needs-ptl: set_pmd_at" at 37
expect violation "pgtable/change-needs-ptl: pmd_populate" at 49
