# The lock-free exit_mmap() of exit_mmap_unlocked-5.15.mms on a kernel
# whose exit_mmap() holds the mmap lock (since 64591e8605d6, v5.17; today
# the read lock for the unmap and the write lock for the teardown): the
# walk of the VMA tree without the lock is reported at its first lookup
# and at each step of the loop (vma_iter/needs-lock, the maple tree's
# lockdep check since 6.1), the zap at each PTE table
# (pgtable/traverse-needs-stable-vma), and the detach of each VMA, which
# write-locks it (vma_start_write/needs-mmap-write, per-VMA locks: 6.4).

mm m
mmap(m, 0x100000, pages=2, prot=rw)
mmap(m, 0x400000, pages=1, prot=rw)
touch(m, 0x100000, write)

# mm/mmap.c (v5.15): exit_mmap(), without the OOM victim's reaping and
# munlock; mmscript detaches the VMAs with the munmap gather, as the
# library's exit_mmap() does
func exit_mmap(mm) {
  # mm's last user has gone, and its about to be pulled down
  mmu_notifier_release(mm)
  vma = vma_find(mm, 0, ULONG_MAX)  # vma = mm->mmap
  if !vma {
    return  # Can happen if dup_mmap() received an OOM
  }
  tlb = tlb_gather_mmu(mm)  # tlb_gather_mmu_fullmm(&tlb, mm)
  # Use -1 here to ensure all VMAs in the mm are unmapped
  for vma in vmas(mm) {  # unmap_vmas(&tlb, vma, 0, -1)
    unmap_single_vma(tlb, vma, vma.vm_start, vma.vm_end)
  }
  vms = vms_gather_munmap_vmas(mm, 0, mm.task_size, unlock=false)
  vma_iter_clear_gfp(vms)
  free_pgtables(tlb, vms)  # free_pgtables(&tlb, vma, FIRST_USER_ADDRESS, USER_PGTABLES_CEILING)
  tlb_finish_mmu(tlb)
  # Walk the list again, actually closing and freeing it, with
  # preemption enabled, without holding any MM locks.
  for i in 0..vms.vma_count {
    remove_vma(vms_detached_vma(vms, i))
  }
}

thread owner {  # do_exit() -> exit_mm() -> mmput(mm)
  mmput(m)
}

expect violation "vma_iter/needs-lock" at 21
expect violation "vma_iter/needs-lock" at 27
expect violation "vma_start_write/needs-mmap-write" at 30
expect violation "pgtable/traverse-needs-stable-vma"
