# khugepaged freed a PTE table holding only the mmap write lock and the
# PMD lock (collapse_and_free_pmd / collapse_pte_mapped_thp, v5.x), while
# rmap walkers (i_mmap_rwsem or anon_vma lock only) may walk the table:
# use-after-free. Fix 8d3c106e19e8 "mm/khugepaged: take the right locks
# for page table retraction" (Jann Horn, 2022).
mm m
file f
mmap(m, 0x200000, pages=512, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x200000)
page fp = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)

# v5.19 mm/khugepaged.c: collapse_and_free_pmd(), called by
# collapse_pte_mapped_thp() with the mmap write lock
func collapse_and_free_pmd(mm, vma, addr) {
  pml = pmd_lock(mm, addr)
  pmd = pmdp_collapse_flush(vma, addr)
  spin_unlock(pml)
  pte_free(mm, pmd)  # mm_dec_nr_ptes(mm); pte_free(mm, pmd_pgtable(pmd))
}

thread khugepaged {
  mmap_write_lock(m)
  vma = find_vma(m, 0x200000)
  collapse_and_free_pmd(m, vma, 0x200000)
  mmap_write_unlock(m)
}
thread reclaim {
  folio_lock(fp)
  try_to_unmap(fp)
  folio_unlock(fp)
}

expect violation "pgtable/non-terminal-change: pmdp_collapse_flush at 0x200000: the PMD points to a PTE table that walkers under the locks not held here may still use (lacks the VMA write lock" at 20
expect violation "pgtable/free-reachable" at 22
# try_to_unmap() without TTU_SYNC reads the entry before taking the PTE
# lock (map_pte(): ptep_get_lockless()), so its walk may read the freed
# table itself
expect violation "rcu/use-after-free: ptep_get_lockless" at 33 sometimes
