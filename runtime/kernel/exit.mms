# The end of an address space (kernel/fork.c, mm/mmap.c, linux-mm 2026):
# the process's exit (exit_mm) and every mmget_not_zero() user drop an
# mm_users reference with mmput(); the last one runs exit_mmap(). Uprobes,
# aio, KSM and khugepaged's exit hooks are not
# modelled.

# kernel/fork.c: mmput(): "Decrement the use count and release all
# resources for an mm."
func mmput(mm) {
  might_sleep()
  if atomic_dec_and_test(mm) {  # atomic_dec_and_test(&mm->mm_users)
    __mmput(mm)
  }
}

# kernel/fork.c: __mmput(): uprobe_clear_state(), exit_aio(), ksm_exit()
# and khugepaged_exit() first; exit_mmap(), then mmdrop(): the mm_count
# reference all of mm_users held, which frees the struct unless an
# mmgrab() keeps it
func __mmput(mm) {
  exit_mmap(mm)
  mmdrop(mm)
}

# mm/mmap.c: exit_mmap(): "mm's last user has gone, and its about to be
# pulled down" (linux-mm@07e15cb06bc9). MMF_OOM_SKIP is set between the
# read-locked unmap and the write-locked teardown: the OOM reaper
# (kernel/oom_kill.mms) tests it under the mmap read lock. mmscript detaches the VMAs with the munmap gather
# (vms_gather_munmap_vmas, vma_iter_clear_gfp) where the kernel marks each
# detached in its last loop and destroys the tree (__mt_destroy): the same
# locks (the mmap write lock) and the same end; the write locks it takes
# on each VMA wait for no one, as no task uses an mm without users.
func exit_mmap(mm) {
  # mm's last user has gone, and its about to be pulled down
  mmu_notifier_release(mm)
  mmap_read_lock(mm)
  vma = find_vma(mm, 0)  # vma = vma_next(&vmi)
  if !vma {
    # Can happen if dup_mmap() received an OOM
    mmap_read_unlock(mm)
    mmap_write_lock(mm)
    mmap_write_unlock(mm)  # destroy: __mt_destroy(&mm->mm_mt)
    return
  }
  tlb = tlb_gather_mmu(mm)  # tlb_gather_mmu_fullmm(&tlb, mm)
  # Use ULONG_MAX here to ensure all VMAs in the mm are unmapped
  for vma in vmas(mm) {  # unmap_vmas(&tlb, &vmi.mas, vma, 0, ULONG_MAX, ULONG_MAX)
    unmap_single_vma(tlb, vma, vma.vm_start, vma.vm_end)
  }
  mmap_read_unlock(mm)
  # Set MMF_OOM_SKIP to hide this task from the oom killer/reaper
  # because the memory has been already freed.
  mm_flags_set(MMF_OOM_SKIP, mm)
  mmap_write_lock(mm)
  vms = vms_gather_munmap_vmas(mm, 0, mm.task_size, unlock=false)  # mt_clear_in_rcu(&mm->mm_mt)
  vma_iter_clear_gfp(vms)
  free_pgtables(tlb, vms)
  tlb_finish_mmu(tlb)
  # Walk the list again, actually closing and freeing it, with
  # preemption enabled, without holding any MM locks besides the
  # unreachable mmap_write_lock.
  for i in 0..vms.vma_count {
    remove_vma(vms_detached_vma(vms, i))  # vma_mark_detached(vma); remove_vma(vma)
  }
  mmap_write_unlock(mm)
}
