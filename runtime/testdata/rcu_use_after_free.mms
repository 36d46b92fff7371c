# Rule rcu/use-after-free: a lockless walker keeps a pointer to a PTE table
# past its read-side section (pte_unmap drops rcu_read_lock), while
# khugepaged detaches the table (pmdp_collapse_flush under the PMD lock)
# and frees it through RCU (pte_free_defer). The read after pte_unmap hits
# freed memory; the read inside the section is fine, however late the free.

mm m
vma v = mmap(m, 0x200000, pages=4, prot=rw)
touch(m, 0x200000, write)

thread walker {
  pte pt = pte_offset_map(m, 0x200000)
  if pt {
    assert ptep_get(pt) >= 0, "inside the section the table is alive"
    pte_unmap(pt)
    repeat 6 { msleep(1) }
    ptep_get(pt)  # the section is over: use after free
  }
}

thread khugepaged {
  mmap_write_lock(m)  # collapse_huge_page's locks: every walk-starting lock for write
  vma_start_write(v)
  anon_vma_lock_write(v)
  l = pmd_lock(m, 0x200000)
  pte old = pmdp_collapse_flush(v, 0x200000)
  spin_unlock(l)
  anon_vma_unlock_write(v)
  mmap_write_unlock(m)
  pte_free_defer(m, old)  # freed once the walker's section ends
}

expect violation "rcu/use-after-free" at 17
