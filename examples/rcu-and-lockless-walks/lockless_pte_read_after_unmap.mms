# Q: May I keep the pte pointer from pte_offset_map() after pte_unmap()?
# A: No: pte_unmap() ends the read-side section (rcu_read_unlock()), and a
#    table that khugepaged detached and queued with pte_free_defer() may be
#    freed as soon as the section ends. The later ptep_get() reads freed
#    memory; the kernel does not notice (unchecked; mm/pgtable-generic.c:
#    __pte_offset_map(), pte_free_defer() -> call_rcu()). Reading inside the
#    section is fine. A second pte_unmap() is an unbalanced
#    rcu_read_unlock() (kernel/rcu/tree_plugin.h: __rcu_read_unlock(),
#    lockdep).

mm m
vma v = mmap(m, 0x200000, pages=4, prot=rw)
touch(m, 0x200000, write)

thread walker {
  pte pt = pte_offset_map(m, 0x200000)
  if pt {
    assert ptep_get(pt) >= 0, "inside the section the table is alive"
    pte_unmap(pt)
    msleep(1)
    msleep(1)
    msleep(1)
    ptep_get(pt)
    pte_unmap(pt)
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
  pte_free_defer(m, old)
}

expect violation "rcu/use-after-free" at 23
expect violation "rcu/unbalanced" at 24
