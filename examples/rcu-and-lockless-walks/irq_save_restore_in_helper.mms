# Q: My lockless walker runs with IRQs off and calls a helper that itself
#    needs IRQs off. How does the helper turn them off and back on without
#    ending the walker's protection?
# A: With local_irq_save() and local_irq_restore(flags): the flags remember
#    that IRQs were already off, so the restore leaves them off and the
#    walker is still an IRQs-off reader when it reads the PTE: the table
#    tlb_remove_table() queued is not freed until the walker turns IRQs on
#    (include/linux/irqflags.h; mm/gup.c: gup_fast() saves and restores).

mm m
vma v = mmap(m, 0x200000, pages=4, prot=rw)
touch(m, 0x200000, write)

func count_pages(mm, addr) {
  flags = local_irq_save()
  pmdp_get_lockless(mm, addr)
  local_irq_restore(flags)
}

thread gup_fast {
  local_irq_disable()
  pte pt = pte_offset_map(m, 0x200000)
  if pt {
    pte_unmap(pt)
    count_pages(m, 0x200000)
    ptep_get_lockless(pt)
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
  mmap_write_unlock(m)
  tlb_remove_table(m, old)
  tlb_remove_table_sync_one()
}

expect ok
