# Q: A huge PMD is zapped under the mmap read lock while another thread,
#    also under the read lock, splits it (MADV_DONTNEED of part of its
#    range: zap_pmd_range() -> __split_huge_pmd()). Is mm->page_table_lock
#    the lock that keeps the split away?
# A: No. With split PMD locks (x86-64) the lock of a PMD entry is the
#    spinlock in its PMD table's page (pmd_lock() -> pmd_lockptr()), which
#    the split, a THP fault and khugepaged's collapse take;
#    mm->page_table_lock only guards filling the upper levels. Here the
#    zap clears an entry the split may be replacing with a PTE table, and
#    pgtable_trans_huge_withdraw()'s assert_spin_locked() BUGs: the PMD
#    lock, not a PTE lock nor page_table_lock, guards a huge PMD
#    (process_addrs.rst "Page table locks"; mm/huge_memory.c:
#    zap_huge_pmd() takes __pmd_trans_huge_lock()).

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
touch(m, 0x200000, write)

thread zapper {
  mmap_read_lock(m)
  tlb = tlb_gather_mmu(m)
  spin_lock(m.page_table_lock)  # should be __pmd_trans_huge_lock(v, 0x200000)
  orig_pmd = pmdp_huge_get_and_clear_full(v, 0x200000, tlb)
  tlb_remove_pmd_tlb_entry(tlb, 0x200000)
  folio = vm_normal_folio_pmd(v, 0x200000, orig_pmd)
  if folio {
    zap_huge_pmd_folio(v, orig_pmd, folio)
  }
  zap_deposited_table(m, 0x200000)
  spin_unlock(m.page_table_lock)
  tlb_finish_mmu(tlb)
  mmap_read_unlock(m)
}

thread splitter {
  mmap_read_lock(m)
  split_huge_pmd(v, 0x201000)
  mmap_read_unlock(m)
}

expect violation "pgtable/change-needs-ptl: pmdp_huge_get_and_clear_full" at 23 always
expect fatal "thp/withdraw-needs-pmd-lock" at 29 always
