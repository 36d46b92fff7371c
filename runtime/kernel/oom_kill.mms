# The OOM reaper (mm/oom_kill.c, linux-mm@5339574f4ee7, 2026): a kernel
# thread that unmaps the anonymous and private memory of an OOM victim
# whose exit is slow, under the mmap read lock it only tries to take. It
# reaches the mm through tsk->signal->oom_mm, a pointer mark_oom_victim()
# keeps with mmgrab(): mm_count, not mm_users, so the victim's last
# mmput() may run exit_mmap() (kernel/exit.mms) at any time. What keeps
# the VMAs it walks is the test of MMF_OOM_SKIP under the mmap lock:
# exit_mmap() sets it after its read-locked unmap and before its
# mmap_write_lock(), which frees the page tables and the VMAs. The
# serialization is 212925802454 ("mm: oom: let oom_reap_task and
# exit_mmap run concurrently", v4.14), which replaced the reaper's
# mmget_not_zero() with this test. oom_reap_task()'s retries, the reaper's
# timer and list, and the tracepoints are not modelled.

# mm/oom_kill.c: oom_reap_task_mm(tsk, mm) (tsk only names the victim in
# the tracepoints): "Reaps the address space of the given task. Returns
# true on success and false if none or part of the address space has
# been reclaimed and the caller should retry later."
func oom_reap_task_mm(mm) {
  ret = true
  if !mmap_read_trylock(mm) {
    return false  # trace_skip_task_reaping(tsk->pid)
  }
  # MMF_OOM_SKIP is set by exit_mmap when the OOM reaper can't
  # work on the mm anymore. The check for MMF_OOM_SKIP must run
  # under mmap_lock for reading because it serializes against the
  # mmap_write_lock();mmap_write_unlock() cycle in exit_mmap().
  if mm_flags_test(MMF_OOM_SKIP, mm) {
    goto out_unlock  # trace_skip_task_reaping(tsk->pid)
  }
  # failed to reap part of the address space. Try again later
  ret = __oom_reap_task_mm(mm)  # if (!ret) goto out_finish; pr_info(); out_finish: a tracepoint
out_unlock:
  mmap_read_unlock(mm)
  return ret
}

# mm/oom_kill.c: __oom_reap_task_mm(). The VMAs from the top down, as
# mas_for_each_rev(&mas, vma, 0) walks them: each step a mas_find_rev()
# below the VMA before (mmscript passes the position the kernel keeps in
# the ma_state)
func __oom_reap_task_mm(mm) {
  ret = true
  index = ULONG_MAX  # MA_STATE(mas, &mm->mm_mt, ULONG_MAX, ULONG_MAX)
  # Tell all users of get_user/copy_from_user etc... that the content
  # is no longer stable. No barriers really needed because unmapping
  # should imply barriers already and the reader would hit a page fault
  # if it stumbled over a reaped memory.
  mm_flags_set(MMF_UNSTABLE, mm)
  # It might start racing with the dying task and compete for shared
  # resources - e.g. page table lock contention has been observed.
  # Reduce those races by reaping the oom victim from the other end
  # of the address space.
  while true {  # mas_for_each_rev(&mas, vma, 0)
    vma = mas_find_rev(mm, index, 0)
    if !vma {
      break
    }
    index = vma.vm_start - 1
    if vma.vm_flags & (VM_HUGETLB | VM_PFNMAP) {
      continue
    }
    # Only anonymous pages have a good chance to be dropped
    # without additional steps which we cannot afford as we
    # are OOM already.
    if vma_is_anonymous(vma) || vma.vm_flags & VM_SHARED == 0 {
      if zap_vma_for_reaping(vma) {
        ret = false
      }
    }
  }
  return ret
}

# mm/memory.c: zap_vma_for_reaping() (linux-mm@009857a22860; David
# Hildenbrand's 2026 zap series): "Zap all page table entries in the vma
# without blocking for use by the oom killer. Hugetlb vmas are not
# supported. Returns: 0 on success, -EBUSY if we would have to block."
func zap_vma_for_reaping(vma) {
  # struct zap_details details = { .reaping = true }
  range = mmu_notifier_range_init(clear, 0, vma.vm_mm, vma.vm_start, vma.vm_end)
  tlb = tlb_gather_mmu(vma.vm_mm)
  if mmu_notifier_invalidate_range_start_nonblock(range) {
    tlb_finish_mmu(tlb)
    return -EBUSY
  }
  __zap_vma_range(tlb, vma, range.start, range.end, true)
  mmu_notifier_invalidate_range_end(range)
  tlb_finish_mmu(tlb)
  return 0
}

# mm/memory.c: __zap_vma_range(tlb, vma, start, end, details), with
# details->reaping as reaping
func __zap_vma_range(tlb, vma, start, end, reaping) {
  VM_WARN_ON_ONCE(start >= end || start < vma.vm_start || end > vma.vm_end)  # !range_in_vma(vma, start, end)
  # uprobe_munmap() might sleep, so skip it when reaping.
  # (uprobe_munmap(vma, start, end) of a file VMA: uprobes are not modelled)
  if vma.vm_flags & VM_HUGETLB {
    VM_WARN_ON_ONCE(reaping)
    return  # __unmap_hugepage_range(): hugetlb is not modelled
  }
  unmap_single_vma(tlb, vma, start, end)  # tlb_start_vma(); the walk from pgd_offset() down; tlb_end_vma()
}
