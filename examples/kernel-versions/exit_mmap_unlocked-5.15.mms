# Before 5.17 exit_mmap() took no mmap lock: the task whose mmput()
# dropped the last mm_users reference walked the VMA list, zapped, freed
# the page tables and closed the VMAs alone ("Walk the list again,
# actually closing and freeing it, with preemption enabled, without
# holding any MM locks."), since nobody else can reach an mm without
# users. 64591e8605d6 ("mm: protect free_pgtables with mmap_lock write
# lock in exit_mmap", v5.17) took the write lock around the teardown, and
# the library's exit_mmap() is today's (kernel/exit.mms). So on 5.15 this
# lock-free exit_mmap() is clean; exit_mmap_unlocked-mainline.mms is the
# same script on a kernel whose exit_mmap() holds the lock. A
# mmap_assert_locked() in it (a ->close handler's) would still fire on
# 5.15: the assertion knows no exception for mm_users == 0.
kernel 5.15

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

expect ok
