# Q: My lockless walker runs with IRQs off and calls a helper that turns
#    them off and on with local_irq_disable() and local_irq_enable(). Is the
#    walker still protected when the helper returns?
# A: No. local_irq_disable() does not nest: the helper's local_irq_enable()
#    turns IRQs on for the walker too, its IRQs-off read-side section ends,
#    the tlb_remove_table_sync_one() IPI and the grace period of
#    tlb_remove_table() complete, and the walker's late ptep_get_lockless()
#    reads a freed table, a use-after-free the kernel does not notice
#    (include/linux/irqflags.h; a helper that may run with IRQs off uses
#    local_irq_save() and local_irq_restore(), as mm/gup.c: gup_fast() does).

mm m
vma v = mmap(m, 0x200000, pages=4, prot=rw)
touch(m, 0x200000, write)

func count_pages(mm, addr) {
  local_irq_disable()
  pmdp_get_lockless(mm, addr)
  local_irq_enable()  # IRQs on: the caller's protection ends here
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

expect violation "rcu/use-after-free" at 28 sometimes
expect violation "irq/unbalanced" at 30  # the walker's own enable finds IRQs on: silent in the kernel
