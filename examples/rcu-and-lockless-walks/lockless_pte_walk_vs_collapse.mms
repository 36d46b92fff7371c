# Q: How may I read a PTE without the PTE lock while khugepaged may free the
#    table under me?
# A: Inside a read-side section: pte_offset_map() enters one (rcu_read_lock,
#    mm/pgtable-generic.c: __pte_offset_map()) and returns NULL when there is
#    no table; read entries with ptep_get() until pte_unmap(). khugepaged
#    clears the PMD under pmd_lock() (pmdp_collapse_flush()) and frees the
#    table with pte_free_defer(), i.e. after a grace period, so the walk
#    reads live memory however late the free is queued (mm/khugepaged.c:
#    collapse_huge_page(), retract_page_tables()). An entry read this way
#    must be re-checked under the PTE lock before acting on it.

mm m
vma v = mmap(m, 0x200000, pages=4, prot=rw)
touch(m, 0x200000, write)

thread walker {
  pte pt = pte_offset_map(m, 0x200000)
  if pt {
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
  if old {
    pte_free_defer(m, old)
  }
}

expect ok
