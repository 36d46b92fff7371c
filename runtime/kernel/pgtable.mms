# Page-table helpers by their kernel names, composed of the runtime's
# atomic steps (include/linux/pgtable.h, mm/pgtable-generic.c,
# include/linux/huge_mm.h). Each statement is a step.

# mm/pgtable-generic.c: ptep_clear_flush(): clear the entry and flush its
# TLB entry, under the PTE lock the caller holds; the page the entry
# mapped (nil for none), its mapping's reference handed to the caller
func ptep_clear_flush(vma, address, ptep) {
  accessible = ptep_get(ptep) >= 0  # pte_accessible(mm, pte): it was present
  page = ptep_get_and_clear(ptep)   # pte = ptep_get_and_clear(mm, address, ptep)
  if accessible {
    flush_tlb_page(vma, address)
  }
  return page
}

# arch/x86/include/asm/tlbflush.h: flush_tlb_page() ->
# arch/x86/mm/tlb.c: flush_tlb_mm_range(vma->vm_mm, a, a + PAGE_SIZE, PAGE_SHIFT, false)
func flush_tlb_page(vma, address) {
  flush_tlb_range(vma, address, size=PAGE_SIZE)
}

# mm/huge_memory.c: __pmd_trans_huge_lock(), as include/linux/huge_mm.h:
# pmd_trans_huge_lock() calls it: the PMD lock, held, when the PMD at
# address maps a THP (re-checked under the lock); nil, holding nothing,
# otherwise
func pmd_trans_huge_lock(vma, address) {
  mm = vma.vm_mm
  if !pmd_trans_huge(pmdp_get_lockless(mm, address)) {
    return nil
  }
  ptl = pmd_lock(mm, address)
  if pmd_trans_huge(pmdp_get_lockless(mm, address)) {
    return ptl
  }
  spin_unlock(ptl)
  return nil
}
