# The fixed form of bug_clear_refs_soft_dirty_thp.mms (5b7abeae3af8, v4.12):
# clear_soft_dirty_pmd() uses pmdp_invalidate(), which never makes the PMD
# none, so MADV_DONTNEED under the same mmap read lock cannot skip the THP.
mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
assert touch(m, 0x200000, write)  # a PMD-mapped THP
assert pmd_trans_huge(pmdp_get_lockless(m, 0x200000))

# fs/proc/task_mmu.c (v4.12): clear_soft_dirty_pmd() after the fix
func clear_soft_dirty_pmd(vma, addr) {
  pmd = pmdp_invalidate(vma, addr)  # pmd = *pmdp; pmdp_invalidate(vma, addr, pmdp): never none
  # pmd = pmd_wrprotect(pmd); pmd = pmd_clear_soft_dirty(pmd);
  set_huge_pmd_at(vma, addr, pmd)  # set_pmd_at(vma->vm_mm, addr, pmdp, pmd)
}

# fs/proc/task_mmu.c (v4.11): clear_refs_pte_range(), the THP part
func clear_refs_pte_range(vma, addr) {
  ptl = pmd_trans_huge_lock(vma, addr)
  if ptl {
    clear_soft_dirty_pmd(vma, addr)  # cp->type == CLEAR_REFS_SOFT_DIRTY
    spin_unlock(ptl)
  }
}

# fs/proc/task_mmu.c (v4.11): clear_refs_write(CLEAR_REFS_SOFT_DIRTY),
# after the downgrade: walk_page_range(0, mm->highest_vm_end, &clear_refs_walk)
func clear_refs_write(mm) {
  mmap_read_lock(mm)  # down_read(&mm->mmap_sem) (the VM_SOFTDIRTY pass is done)
  for vma in vmas(mm) {
    for addr in 0..vma.pages / 512 {
      clear_refs_pte_range(vma, vma.vm_start + addr * PMD_SIZE)
    }
  }
  flush_tlb_mm(mm)
  mmap_read_unlock(mm)
}

thread proc {  # echo 4 > /proc/PID/clear_refs
  clear_refs_write(m)
}

thread user {
  madvise(m, 0x200000, 512 * PAGE_SIZE, MADV_DONTNEED)
}

expect ok
