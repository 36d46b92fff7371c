# Page-table helpers by their kernel names, composed of the runtime's
# atomic steps (include/linux/pgtable.h, mm/pgtable-generic.c,
# include/linux/huge_mm.h). Each statement is a step.

# mm/pgtable-generic.c: ptep_clear_flush(): clear the entry and flush its
# TLB entry, under the PTE lock the caller holds; the page the entry
# mapped (nil for none), its mapping's reference handed to the caller
func ptep_clear_flush(vma, address, ptep) {
  mm = vma.vm_mm
  # pte_accessible(mm, pte) of the entry ptep_get_and_clear() returns, read
  # before the clear: the PTE lock is held, so it is the same entry
  accessible = pte_accessible(mm, ptep)
  page = ptep_get_and_clear(ptep)  # pte = ptep_get_and_clear(mm, address, ptep)
  if accessible {
    flush_tlb_page(vma, address)
  }
  return page
}

# arch/x86/include/asm/pgtable.h: pte_accessible(): may a CPU still hold
# this entry in its TLB? A present entry may; a PROT_NONE one (mprotect's,
# or a NUMA hint) only while a TLB flush of the mm is pending: the change
# that made it PROT_NONE flushes after dropping the PTE lock, and until
# then CPUs keep the old translation (20841405940e "mm: fix TLB flush race
# between migration, and change_protection_range"). The caller holds the
# PTE lock, which orders the read of the pending count after the change
# (mm/pgtable-generic.c: ptep_clear_flush() asks it before flushing).
func pte_accessible(mm, ptep) {
  if ptep.present && !ptep.protnone {  # pte_flags(a) & _PAGE_PRESENT
    return true
  }
  if ptep.protnone && mm_tlb_flush_pending(mm) {  # atomic_read(&mm->tlb_flush_pending)
    return true
  }
  return false
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

# mm/huge_memory.c: __pmd_trans_huge_lock(): the PMD lock, held, when
# the PMD at address is huge under it (pmd_is_huge); nil, holding
# nothing, otherwise. zap_huge_pmd() and change_huge_pmd() call it
# directly, after their caller's lockless look at the entry
func __pmd_trans_huge_lock(vma, address) {
  ptl = pmd_lock(vma.vm_mm, address)
  if pmd_trans_huge(pmdp_get(vma.vm_mm, address)) {
    return ptl
  }
  spin_unlock(ptl)
  return nil
}
