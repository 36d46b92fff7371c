# khugepaged and MADV_COLLAPSE as mainline runs them (mm/khugepaged.c),
# one kernel function per func, each statement one step (other threads run
# between any two). Anonymous collapse: khugepaged_collapse ->
# hpage_collapse_scan_pmd -> collapse_huge_page. File THPs:
# retract_page_tables. The MMU notifier calls are not modelled.

# mm/khugepaged.c: khugepaged_scan_mm_slot(), for the one anonymous VMA
# and PMD range at addr: mmap_read_trylock, hugepage_vma_revalidate,
# hpage_collapse_scan_pmd (khugepaged's work as a thread body)
func khugepaged_collapse(mm, addr) {
  haddr = addr - addr % PMD_SIZE
  mmap_read_lock(mm)  # khugepaged_scan_mm_slot: mmap_read_trylock(mm)
  vma = hugepage_vma_revalidate(mm, haddr)
  if !vma {
    mmap_read_unlock(mm)
    return SCAN_VMA_CHECK
  }
  result = hpage_collapse_scan_pmd(mm, vma, haddr)
  if result != SCAN_SUCCEED {
    mmap_read_unlock(mm)  # *mmap_locked is still true: the caller unlocks
    return result
  }
  # hpage_collapse_scan_pmd(): "collapse_huge_page will return with the
  # mmap_lock released" (*mmap_locked = false)
  return collapse_huge_page(mm, haddr)
}

# mm/khugepaged.c: hpage_collapse_scan_pmd(), under the mmap read lock;
# its tail call of collapse_huge_page() is made by the caller here
func hpage_collapse_scan_pmd(mm, vma, address) {
  pte = pte_offset_map_lock(mm, address)
  if !pte {
    return SCAN_PMD_NULL
  }
  result = hpage_collapse_scan_ptes(vma, address, pte)  # the for loop
  pte_unmap_unlock(pte)                                 # out_unmap:
  return result
}

# mm/khugepaged.c: collapse_huge_page(): entered with the mmap read lock,
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

# mm/khugepaged.c: retract_page_tables(): after collapse_file() put a THP
# in the page cache (its folio locked), drop the now empty PTE tables of
# every VMA mapping it, under i_mmap for read only: no mmap lock, no VMA
# lock. Walkers re-check pmd_same under the PTE lock; the table goes to
# RCU (pte_free_defer). The MMU notifier range is not modelled.
func retract_page_tables(file, pgoff) {
  i_mmap_lock_read(file)
  n = vma_interval_tree_count(file, pgoff)
  for i in 0..n {  # mapping_rmap_tree_foreach(vma, mapping, pgoff, pgoff)
    vma = vma_interval_tree_nth(file, pgoff, i)
    retract_one(vma, pgoff)
  }
  i_mmap_unlock_read(file)
}

# mm/khugepaged.c: check_pmd_state(): the PMD entry read without its lock.
# A PMD value is none, a PTE table or a huge leaf here: migration entries,
# !pmd_present() and pmd_bad() are not modelled (the kernel returns
# SCAN_PMD_MAPPED for a migration entry, SCAN_NO_PTE_TABLE for the others;
# SCAN_NO_PTE_TABLE is mmscript's SCAN_PMD_NULL)
func check_pmd_state(mm, addr) {
  pmde = pmdp_get_lockless(mm, addr)
  if pmd_none(pmde) {
    return SCAN_PMD_NULL
  }
  if pmd_trans_huge(pmde) {
    return SCAN_PMD_MAPPED
  }
  return SCAN_SUCCEED
}

# mm/khugepaged.c: find_pmd_or_thp_or_none(): mm_find_pmd() finds no PMD
# table where pmdp_get_lockless() reads none, so check_pmd_state() says it
func find_pmd_or_thp_or_none(mm, address) {
  return check_pmd_state(mm, address)
}

# mm/khugepaged.c: file_backed_vma_is_retractable(). Its other tests are
# not modelled: userfaultfd_protected(vma) (uffd-wp or RWP: PTE markers)
# and VMA_MAYBE_GUARD_BIT (guard regions)
func file_backed_vma_is_retractable(vma) {
  # "Check vma->anon_vma to exclude MAP_PRIVATE mappings that got written
  # to."
  return !vma.anon_vma
}

# mm/khugepaged.c: retract_page_tables(), the body of its loop for one VMA
# (each return is the kernel's continue)
func retract_one(vma, pgoff) {
  addr = vma.vm_start + (pgoff - vma.vm_pgoff) * PAGE_SIZE
  if addr % PMD_SIZE != 0 || vma.vm_end < addr + PMD_SIZE {
    return SCAN_VMA_CHECK
  }
  mm = vma.vm_mm
  if find_pmd_or_thp_or_none(mm, addr) != SCAN_SUCCEED {
    return SCAN_PMD_NULL
  }
  if collapse_test_exit(mm) {
    return SCAN_FAIL
  }
  if !file_backed_vma_is_retractable(vma) {
    return SCAN_PAGE_ANON
  }
  success = false
  pml = pmd_lock(mm, addr)
  # "So here we only need to recheck if the state of pmd entry still meets
  # our requirements, rather than checking pmd_same() like elsewhere."
  result = check_pmd_state(mm, addr)
  if result == SCAN_SUCCEED {
    ptl = pte_lockptr(mm, addr)
    if ptl != pml {
      spin_lock_nested(ptl)  # SINGLE_DEPTH_NESTING
    }
    # "Now that we hold ptlock, repeating the retractable checks protects
    # us from races against the prior checks." (userfaultfd_ioctl(),
    # madvise())
    if file_backed_vma_is_retractable(vma) {
      pgt_pmd = pmdp_collapse_flush(vma, addr)
      # pmdp_get_lockless_sync(): nothing to do where a PMD is one word
      success = true
    }
    if ptl != pml {
      spin_unlock(ptl)
    }
  }
  spin_unlock(pml)  # drop_pml:
  if success {
    pte_free_defer(mm, pgt_pmd)  # after mm_dec_nr_ptes(mm)
  }
  return result
}
