# /proc/PID/clear_refs (CLEAR_REFS_SOFT_DIRTY) against MADV_DONTNEED on a
# THP (fix 5b7abeae3af8 "thp: fix MADV_DONTNEED vs clear soft dirty race",
# Kirill A. Shutemov, v4.12, the series with ced108037c2a and 58ceeb6bec86).
#
# clear_refs_write() walks the page tables under the mmap read lock
# (down_read; the write lock only around the VM_SOFTDIRTY update of
# vm_flags, downgraded before the walk). clear_soft_dirty_pmd() took the
# huge PMD with pmdp_huge_get_and_clear() and put the write-protected
# entry back with set_pmd_at(), both under the PMD lock; in between the
# PMD was none, and MADV_DONTNEED, also under the mmap read lock, looks at
# the PMD without its lock (zap_pmd_range: pmd_trans_huge(*pmd) == 0 and
# pmd_none) and skips it: madvise() returns with the THP still mapped.
# Kernels 3.11 (soft-dirty THP) to 4.11.
#
# Rule: thp/pmd-cleared-under-read-lock, at the clear; and when the
# madvise() finishes while the PMD is none, tlb/stale-after-zap.

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
assert touch(m, 0x200000, write)  # a PMD-mapped THP
assert pmd_trans_huge(pmdp_get_lockless(m, 0x200000))

# fs/proc/task_mmu.c (v4.11): clear_soft_dirty_pmd()
func clear_soft_dirty_pmd(vma, addr) {
  pmd = pmdp_huge_get_and_clear(vma, addr)  # pmdp_huge_get_and_clear(vma->vm_mm, addr, pmdp)
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

expect violation "thp/pmd-cleared-under-read-lock" at 25
expect violation "tlb/stale-after-zap" sometimes
