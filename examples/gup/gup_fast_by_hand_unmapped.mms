# Q: In a GUP-fast style walk, may I drop the PTE mapping
#    (pte_unmap()) before checking the entry with pte_access_permitted()?
# A: No. pte_offset_map() holds the table for the walker (rcu_read_lock()
#    in __pte_offset_map()); after pte_unmap() khugepaged may have detached
#    the table (pmdp_collapse_flush()) and freed it through RCU
#    (tlb_remove_table()), so the check reads freed memory
#    (mm/gup.c: gup_fast_pte_range() checks before pte_unmap(); nothing in
#    the kernel catches the use after free).

mm m
vma v = mmap(m, 0x200000, pages=4, prot=rw)
touch(m, 0x200000, write)

thread gup_fast {
  pmd = pmdp_get_lockless(m, 0x200000)
  ptep = pte_offset_map(m, 0x200000, pmdval=pmd)
  if ptep {
    pte = ptep_get_lockless(ptep)
    pte_unmap(ptep)
    ok = pte_access_permitted(ptep, true)
  }
}

thread khugepaged {
  mmap_write_lock(m)
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

expect violation "rcu/use-after-free" at 20
