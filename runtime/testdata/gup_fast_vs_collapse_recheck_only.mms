# GUP-fast against khugepaged's anonymous collapse with mainline's
# gup_fast_pte_range() (the PMD re-check of 70cbc3cc78a9) and
# collapse_huge_page() without tlb_remove_table_sync_one(): a reference
# taken after the isolation is dropped when the walker sees the PMD
# changed (gup_put_folio); one taken before it fails the isolation.
mm m
mmap(m, 0x200000, pages=512, prot=rw, flags=private)
touch(m, 0x200000, write)

# v6.0 mm/khugepaged.c: collapse_huge_page() without tlb_remove_table_sync_one(): entered with the mmap read lock,
# returns with it dropped
func collapse_huge_page(mm, address) {
  # "Before allocating the hugepage, release the mmap_lock read lock."
  mmap_read_unlock(mm)
  mmap_read_lock(mm)
  vma = hugepage_vma_revalidate(mm, address)
  if !vma {
    mmap_read_unlock(mm)
    return SCAN_VMA_CHECK
  }
  mmap_read_unlock(mm)  # after __collapse_huge_page_swapin
  # "Prevent all access to pagetables with the exception of gup_fast later
  # handled by the ptep_clear_flush and the VM handled by the anon_vma
  # lock + PG_lock."
  mmap_write_lock(mm)
  vma = hugepage_vma_revalidate(mm, address)
  if !vma {
    mmap_write_unlock(mm)
    return SCAN_VMA_CHECK
  }
  if pmd_none(pmdp_get_lockless(mm, address)) {  # check_pmd_still_valid()
    mmap_write_unlock(mm)
    return SCAN_PMD_NULL
  }
  vma_start_write(vma)
  anon_vma_lock_write(vma)
  pmd_ptl = pmd_lock(mm, address)  # "probably unnecessary"
  _pmd = pmdp_collapse_flush(vma, address)
  spin_unlock(pmd_ptl)
  pte = pte_offset_map_lock(mm, address, pmdval=_pmd.pmdval)  # &_pmd: the detached table
  result = SCAN_PMD_NULL
  if pte {
    result = __collapse_huge_page_isolate(vma, address, pte)
    spin_unlock(pte.ptl)
  }
  if result != SCAN_SUCCEED {
    if pte {
      pte_unmap(pte)
    }
    spin_lock(pmd_ptl)
    pmd_populate(mm, address, _pmd)  # BUG_ON(!pmd_none(*pmd)) first
    spin_unlock(pmd_ptl)
    anon_vma_unlock_write(vma)
    mmap_write_unlock(mm)  # out_up_write:
    return result
  }
  # "All pages are isolated and locked so anon_vma rmap can't run anymore."
  anon_vma_unlock_write(vma)
  folio = __collapse_huge_page_copy(pte, vma, address)
  pte_unmap(pte)
  if !folio {
    mmap_write_unlock(mm)
    return SCAN_FAIL
  }
  spin_lock(pmd_ptl)
  set_pmd_at(vma, address, folio)  # with pgtable_trans_huge_deposit of the old table
  spin_unlock(pmd_ptl)
  mmap_write_unlock(mm)  # out_up_write:
  return SCAN_SUCCEED
}

thread khugepaged {
  khugepaged_collapse(m, 0x200000)
}
thread gup {
  get_user_pages_fast_only(m, 0x200000, 1, true)
}

expect ok
