# The fixed form of bug_retract_vma_lock_under_i_mmap.mms ("mm/khugepaged:
# fix vm_lock/i_mmap_rwsem inversion in retract_page_tables", v6.4):
# under i_mmap_rwsem the VMA is only tried, vma_try_start_write(), which
# never waits and so orders nothing; a VMA a fault holds is skipped. A
# per-VMA-lock fault runs against it here.

mm m
file f
mmap(m, 0x200000, pages=512, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)  # a PTE table under the whole PMD

# mm/khugepaged.c (v6.4): retract_page_tables()
func retract_page_tables(file, pgoff) {
  i_mmap_lock_write(file)
  n = vma_interval_tree_count(file, pgoff)
  for i in 0..n {  # vma_interval_tree_foreach(vma, &mapping->i_mmap, pgoff, pgoff)
    vma = vma_interval_tree_nth(file, pgoff, i)
    mm = vma.vm_mm
    addr = vma.vm_start + (pgoff - vma.vm_pgoff) * PAGE_SIZE
    if !vma.anon_vma && addr % PMD_SIZE == 0 && vma.vm_end >= addr + PMD_SIZE {
      if mmap_write_trylock(mm) {
        # "need write lock on VMA to prevent concurrent page faults"
        if vma_try_start_write(vma) {
          collapse_and_free_pmd(mm, vma, addr)
        }
        mmap_write_unlock(mm)
      }
    }
  }
  i_mmap_unlock_write(file)
}

# mm/khugepaged.c (v6.3): collapse_and_free_pmd()
func collapse_and_free_pmd(mm, vma, addr) {
  pml = pmd_lock(mm, addr)
  pmd = pmdp_collapse_flush(vma, addr)
  spin_unlock(pml)
  tlb_remove_table_sync_one()
  pte_free(mm, pmd)  # mm_dec_nr_ptes(mm); pte_free(mm, pmd_pgtable(pmd))
}

thread user {  # a fault under the VMA lock: the trylock may fail, and the table stays
  touch(m, 0x200000, read)
}

thread khugepaged {  # collapse_file() -> retract_page_tables()
  retract_page_tables(f, 0)
}

expect ok
