# GUP-fast against khugepaged's table free: GUP-fast walks with IRQs off
# (mm/gup.c: gup_fast() local_irq_save), which holds off both the
# tlb_remove_table_sync_one() IPI and the RCU grace period of
# pte_free_defer()/tlb_remove_table(), so its reads of the detached table
# stay valid until it re-enables IRQs: no interleaving reports
# rcu/use-after-free, and the IPI returns only after a walker that was
# inside when it was sent has left.

mm m
vma v = mmap(m, 0x200000, pages=4, prot=rw)
touch(m, 0x200000, write)
walking = false

thread gup_fast {
  local_irq_disable()
  walking = true
  pte pt = pte_offset_map(m, 0x200000)
  if pt {
    pfn = ptep_get_lockless(pt)
    pte_unmap(pt)
  }
  walking = false
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
  was_walking = walking        # read in the same step as the IPI
  tlb_remove_table_sync_one()  # wait for IRQs-off walkers
  assert !(was_walking && walking), "the walker inside when the IPI was sent has left"
  mmap_write_unlock(m)
  tlb_remove_table(m, old)
}

expect ok
