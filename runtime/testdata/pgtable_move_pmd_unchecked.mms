# Rule pgtable/move-pmd-unchecked: move_normal_pmd() moves the PTE table
# only if the PMD it read under the PMD lock still points to one
# (6fa1066fc5d0, CVE-2024-50066). Here move_pgt_entry() runs
# retract_page_tables() itself, between move_page_tables()'s get_old_pmd()
# and take_rmap_locks(), to fix the order that a second thread can take.

mm m
file f
mmap(m, 0x200000, pages=512, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)

func move_pgt_entry(pmc, entry) {
  retract_page_tables(f, 0)  # khugepaged, at the worst moment
  take_rmap_locks(pmc.old)
  moved = move_normal_pmd(pmc)
  drop_rmap_locks(pmc.old)
  return moved
}

# mm/mremap.c: move_normal_pmd() before 6fa1066fc5d0
func move_normal_pmd(pmc) {
  mm = pmc.old.vm_mm
  old_ptl = pmd_lock(mm, pmc.old_addr)
  pmd = pmdp_get_lockless(mm, pmc.old_addr)
  pmd_move_table(pmc, pmd)
  flush_tlb_range(pmc.old, pmc.old_addr, size=PMD_SIZE)
  spin_unlock(old_ptl)
  return true
}

thread mover {
  mremap(m, 0x200000, 0x200000, 0x200000, flags=maymove | fixed, new_addr=0x600000)
}

expect violation "pgtable/move-pmd-unchecked" at 25
expect single_run
