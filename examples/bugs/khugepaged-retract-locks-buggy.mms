# Bug: khugepaged freed a file VMA's PTE table holding the mmap lock for
# write and the PMD lock, but not the file's i_mmap_rwsem (2022).
#
# collapse_pte_mapped_thp() (khugepaged's pass over pte-mapped THPs, and
# MADV_COLLAPSE) called collapse_and_free_pmd(): pmd_lock,
# pmdp_collapse_flush, pte_free. A page walk may start under the mmap
# lock, the VMA lock, the anon_vma lock or the file's i_mmap_rwsem, any
# one for read; rmap walkers (reclaim's folio_referenced, try_to_unmap)
# hold only i_mmap and can be inside the table when it is freed.
# Fix: 8d3c106e19e8 "mm/khugepaged: take the right locks for page table
# retraction" (Jann Horn, v6.1; Fixes: 27e1f8273113, v5.4): i_mmap_lock_write
# around the retraction, lockdep_assert_held_write in collapse_and_free_pmd.
# Kernels affected: 5.4 to 6.1-rc, and stable until the backports.
# Rule: pgtable/non-terminal-change (a PMD that points to a table is
# changed only with every walk-starting lock for write), then
# pgtable/free-reachable and the walker's rcu/use-after-free.
# On 6.4+ the VMA lock starts walks too, so vma_start_write is part of it.

mm m
file f
vma v = mmap(m, 0x200000, pages=512, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)

# mm/khugepaged.c: collapse_and_free_pmd() before 8d3c106e19e8
func collapse_and_free_pmd(mm, vma, addr) {
  ptl = pmd_lock(mm, addr)
  pmd = pmdp_collapse_flush(vma, addr)
  spin_unlock(ptl)
  pte_free(mm, pmd)
}

thread khugepaged {
  mmap_write_lock(m)  # khugepaged_collapse_pte_mapped_thps(): mmap_write_trylock
  vma_start_write(v)
  collapse_and_free_pmd(m, v, 0x200000)
  mmap_write_unlock(m)
}

thread reclaim {  # an rmap walk of the file's page: i_mmap for read only
  i_mmap_lock_read(f)
  pte pt = pte_offset_map_lock(m, 0x200000)
  if pt {
    pte_unmap_unlock(pt)
  }
  i_mmap_unlock_read(f)
}

expect violation "pgtable/non-terminal-change" at 27
expect violation "pgtable/free-reachable" at 29
expect violation "rcu/use-after-free" at 43 sometimes
