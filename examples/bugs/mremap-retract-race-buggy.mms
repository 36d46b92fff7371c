# mremap's move_normal_pmd() against khugepaged's retract_page_tables()
# (CVE-2024-50066; fix 6fa1066fc5d0 "mm/mremap: fix move_normal_pmd/
# retract_page_tables race", Jann Horn and David Hildenbrand, Oct 2024,
# 6.12-rc4, stable 6.6.58 and 6.11.5; Fixes: 1d65b771bc08 "mm/khugepaged:
# retract_page_tables() without mmap or vma lock", 6.6). Kernels 6.6 to
# 6.12-rc3.
#
# move_page_tables() reads the old PMD under the mmap write lock alone and,
# seeing a PTE table over a whole PMD, calls move_pgt_entry(NORMAL_PMD),
# which only then takes the rmap locks. Since 6.6 retract_page_tables()
# clears such a PMD under i_mmap for read, the PMD lock and the PTE lock,
# without the mmap lock: it can run in between. move_normal_pmd() then
# re-reads the PMD under its lock, finds it none, and moves it anyway:
# pmd_populate(new_pmd, pmd_pgtable(pmd)) installs a bogus page table
# (physical page 0 on x86), exploitable for user->kernel escalation.
#
# Rule: pgtable/move-pmd-unchecked, under exploration (retract has to run
# between get_old_pmd() and take_rmap_locks()).
#
# This is move_normal_pmd() before the fix, in the kernel library's terms:
# no "Racing with collapse?" check of the value read under the PMD lock.

mm m
file f
mmap(m, 0x200000, pages=512, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)  # a PTE table under the whole PMD

func move_normal_pmd(pmc) {
  mm = pmc.old.vm_mm
  if !pmd_none(pmdp_get_lockless(mm, pmc.new_addr)) {
    return false  # WARN_ON_ONCE(!pmd_none(*new_pmd))
  }
  old_ptl = pmd_lock(mm, pmc.old_addr)
  new_ptl = pmd_lockptr(mm, pmc.new_addr)
  if new_ptl != old_ptl {
    spin_lock_nested(new_ptl)
  }
  pmd = pmdp_get_lockless(mm, pmc.old_addr)  # /* Clear the pmd */ pmd = *old_pmd;
  pmd_move_table(pmc, pmd)                   # pmd_clear(old_pmd); pmd_populate(mm, new_pmd, pmd_pgtable(pmd))
  flush_tlb_range(pmc.old, pmc.old_addr, size=PMD_SIZE)
  if new_ptl != old_ptl {
    spin_unlock(new_ptl)
  }
  spin_unlock(old_ptl)
  return true
}

thread collapse {  # MADV_COLLAPSE -> collapse_file() -> retract_page_tables()
  retract_page_tables(f, 0)
}

thread mover {
  mremap(m, 0x200000, 0x200000, 0x200000, flags=maymove | fixed, new_addr=0x600000)
}

expect violation "pgtable/move-pmd-unchecked" at 39 sometimes
