# Q: My lockless walker runs with IRQs off, as GUP-fast does. May it read
#    the PTE after local_irq_enable(), or wait for the table-freeing IPI
#    with IRQs still off?
# A: Neither. Enabling IRQs ends the walker's protection: the grace period
#    of tlb_remove_table() (IRQs off counts as an RCU read-side section) may
#    end, and the table is freed under the late ptep_get_lockless(), a
#    use-after-free the kernel does not notice (mm/gup.c: gup_fast()
#    re-enables only after the walk; mm/mmu_gather.c: tlb_remove_table()).
#    And tlb_remove_table_sync_one() sends an IPI and waits for every CPU to
#    take it (smp_call_function(..., 1)): with IRQs off on the caller's own
#    CPU, that wait never ends.

mm m
vma v = mmap(m, 0x200000, pages=4, prot=rw)
touch(m, 0x200000, write)

thread gup_fast {
  local_irq_disable()
  pte pt = pte_offset_map(m, 0x200000)
  if pt {
    pte_unmap(pt)
    local_irq_enable()
    msleep(1)
    msleep(1)
    msleep(1)
    ptep_get_lockless(pt)
  } else {
    local_irq_enable()
  }
}

thread khugepaged {
  mmap_write_lock(m)  # collapse_huge_page: every walk-starting lock for write
  vma_start_write(v)
  anon_vma_lock_write(v)
  l = pmd_lock(m, 0x200000)
  pte old = pmdp_collapse_flush(v, 0x200000)
  spin_unlock(l)
  anon_vma_unlock_write(v)
  mmap_write_unlock(m)
  tlb_remove_table(m, old)
  local_irq_disable()
  tlb_remove_table_sync_one()
  local_irq_enable()
}

expect violation "rcu/use-after-free" at 26
expect deadlock "khugepaged waits for tlb_remove_table_sync_one IPI held by khugepaged" at 43
