# GUP-fast against khugepaged's anonymous collapse, 2022 (an outsider's
# form: collapse_huge_page() and gup_pte_range() as v6.0 had them).
# collapse_huge_page() cleared the PMD and isolated the pages without
# waiting for IRQs-off walkers (no tlb_remove_table_sync_one(), commit
# 2ba99c5e0881), and GUP-fast did not re-check the PMD after taking its
# folio reference (commit 70cbc3cc78a9 "mm: gup: fix the fast GUP race
# against THP collapse", v6.1): a walker that read the PMD before the
# clear takes a reference on a page after is_refcount_suitable() counted
# them, and keeps a page the collapse then copies away. Rule 3b, reported
# where the walker ends with the reference (pte_unmap).
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

# v6.0 mm/gup.c: gup_pte_range() for one PTE: "also check pmd here to make
# sure pmd doesn't change (corresponds to pmdp_collapse_flush() in the THP
# collapse code path)"
func gup_fast_pte_range(mm, pmd, addr, write, pin) {
  ptep = pte_offset_map(mm, addr, pmdval=pmd)  # pte_offset_map(&pmd, addr): the copy, not *pmdp
  if !ptep {
    return nil
  }
  pte = ptep_get_lockless(ptep)
  if pte < 0 || !pte_access_permitted(ptep, write) {
    pte_unmap(ptep)  # goto pte_unmap
    return nil
  }
  page = pfn_to_page(pte)  # pte_page(pte)
  if !page {
    pte_unmap(ptep)
    return nil
  }
  folio = try_grab_folio_fast(page, pin)
  if !folio {
    pte_unmap(ptep)
    return nil
  }
  if pte != ptep_get_lockless(ptep) {  # no pmd re-check before 70cbc3cc78a9
    gup_put_folio(folio, pin)
    pte_unmap(ptep)
    return nil
  }
  pte_unmap(ptep)
  return page
}

thread khugepaged {
  khugepaged_collapse(m, 0x200000)
}
thread gup {
  get_user_pages_fast_only(m, 0x200000, 1, true)
}

expect violation "pgtable/pmd-not-revalidated: pte_unmap: this lockless walker keeps a reference" at 105 sometimes
