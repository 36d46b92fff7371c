# Q: A lockless walker runs with IRQs off, as GUP-fast does. How does the
#    side that frees the page table wait for it?
# A: IRQs off holds off both the IPI of tlb_remove_table_sync_one() and the
#    grace period of tlb_remove_table() (an IRQs-off region is an RCU
#    read-side section): khugepaged clears the PMD under pmd_lock(), sends
#    the IPI, and frees the table through RCU; the walker's
#    ptep_get_lockless() reads stay valid until local_irq_enable()
#    (mm/gup.c: gup_fast() local_irq_save(); mm/khugepaged.c:
#    collapse_huge_page(); mm/mmu_gather.c: tlb_remove_table_sync_one()).

mm m
vma v = mmap(m, 0x200000, pages=4, prot=rw)
touch(m, 0x200000, write)

thread gup_fast {
  local_irq_disable()
  pte pt = pte_offset_map(m, 0x200000)
  if pt {
    ptep_get_lockless(pt)
    pte_unmap(pt)
  }
  local_irq_enable()
}

thread khugepaged {
  mmap_write_lock(m)  # collapse_huge_page: every walk-starting lock for write
  vma_start_write(v)
  anon_vma_lock_write(v)
  l = pmd_lock(m, 0x200000)
  pte old = pmdp_collapse_flush(v, 0x200000)
  spin_unlock(l)
  anon_vma_unlock_write(v)
  tlb_remove_table_sync_one()
  mmap_write_unlock(m)
  if old {
    tlb_remove_table(m, old)
  }
}

expect ok
