# retract_page_tables() write-locked each VMA while holding the file's
# i_mmap_rwsem, the reverse of the order every VMA change takes them in
# (vma_start_write, then the rmap locks). syzbot reported it on
# next-20230301: "possible circular locking dependency detected ...
# vma_start_write ... but task is already holding lock:
# &mapping->i_mmap_rwsem". Fix "mm/khugepaged: fix vm_lock/i_mmap_rwsem
# inversion in retract_page_tables" (Suren Baghdasaryan, March 2023,
# merged with the per-VMA locks for v6.4): vma_try_start_write(), which
# never waits, and skip the VMA when a reader holds it. Kernels: linux-next
# of March 2023 (the per-VMA-lock series before the fix).
#
# Rule: lockdep/circular, at the vma_start_write().

mm m
file f
mmap(m, 0x200000, pages=512, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)  # a PTE table under the whole PMD

# mm/khugepaged.c (next-20230301): retract_page_tables()
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
        vma_start_write(vma)
        collapse_and_free_pmd(mm, vma, addr)
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

thread khugepaged {  # collapse_file() -> retract_page_tables()
  retract_page_tables(f, 0)
}

expect violation "lockdep/circular: possible circular locking dependency: taking vma[0x200000-0x400000]->vm_lock (vm_lock) while holding f->i_mmap_rwsem" at 30
