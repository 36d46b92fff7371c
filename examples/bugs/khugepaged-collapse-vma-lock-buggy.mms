# khugepaged's collapse against the per-VMA-lock page fault (fix "mm/khugepaged:
# write-lock VMA while collapsing a huge page", Suren Baghdasaryan, in the
# per-VMA lock series merged for Linux 6.4, after Jann Horn's review of its
# first version).
#
# With per-VMA locks, a page fault holds only the VMA read lock
# (lock_vma_under_rcu) and walks the page tables under it.
# collapse_huge_page() held the mmap write lock and the anon_vma write lock
# while it cleared the PMD (pmdp_collapse_flush) and copied the 512 pages
# into a THP, which stops every fault taken under the mmap lock and every
# rmap walker, but not a fault under the VMA lock alone: that fault
# installs its PTE in the table khugepaged has just detached (the write is
# lost with the old page). The commit message: "Page fault handler needs a
# stable PMD to use PTL and relies on per-VMA lock to prevent concurrent PMD
# changes. pmdp_collapse_flush(), set_huge_pmd() and collapse_and_free_pmd()
# can modify a PMD, which will not be detected by a page fault handler
# without proper locking."
#
# Rule: pgtable/non-terminal-change, reported at pmdp_collapse_flush(),
# whether or not the fault gets in: a PMD pointing to a PTE table is
# cleared only with every lock a walk may start under held for write.
# This is the kernel library's collapse_huge_page() (kernel/khugepaged.mms,
# mm/khugepaged.c) without the fix's vma_start_write(vma); see
# khugepaged-collapse-vma-lock-fixed.mms.

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw)
touch(m, 0x200000, write)  # the PTE table and the anon_vma exist

# mm/khugepaged.c: collapse_huge_page() before the fix: entered with the
# mmap read lock, returns with it dropped
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
  # (the fix adds vma_start_write(vma) here)
  anon_vma_lock_write(vma)
  pmd_ptl = pmd_lock(mm, address)  # "probably unnecessary"
  _pmd = pmdp_collapse_flush(vma, address)
  spin_unlock(pmd_ptl)
  tlb_remove_table_sync_one()                                 # GUP-fast walkers have left the old table
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

thread user {
  touch(m, 0x201000, write)  # a fault under the VMA read lock, same PTE table
}

expect violation "pgtable/non-terminal-change" at 58
