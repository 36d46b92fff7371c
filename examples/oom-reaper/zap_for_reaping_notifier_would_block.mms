# Q: The OOM reaper must not block: what does zap_vma_for_reaping() do
#    when the mm has an MMU-notifier subscriber (a KVM guest, an HMM
#    mirror) whose ->invalidate_range_start would have to sleep?
# A: It starts the invalidation with
#    mmu_notifier_invalidate_range_start_nonblock(), which marks the range
#    non-blockable; the subscriber then fails it with -EAGAIN instead of
#    sleeping, and zap_vma_for_reaping() finishes its empty gather and
#    returns -EBUSY without touching a page-table entry ("you're not
#    allowed to modify PTEs in the specified range", include/linux/
#    mmu_notifier.h). The reaper counts the VMA as not reaped and retries
#    later (mm/oom_kill.c: __oom_reap_task_mm(): ret = false). With a
#    subscriber that does not sleep the same call zaps the VMA.

mm m
mm other
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=private)
vma w = mmap(other, 0x100000, pages=2, prot=rw, flags=private)
touch(m, 0x100000, write)
touch(other, 0x100000, write)
mmu_notifier_register(m, sleeps=true)  # its invalidate_range_start sleeps: mutex_lock()
mmu_notifier_register(other)           # one that never needs to

# whether a PTE maps addr (read under the PTE lock)
func mapped(mm, addr) {
  pte = pte_offset_map_lock(mm, addr)
  if !pte {
    return false
  }
  entry = ptep_get(pte)
  pte_unmap_unlock(pte)
  return entry >= 0  # ptep_get() reads the pfn, -1 when not present
}

thread oom_reaper {
  if mmap_read_trylock(m) {  # oom_reap_task_mm()
    if !mm_flags_test(MMF_OOM_SKIP, m) {
      assert zap_vma_for_reaping(v) == -EBUSY, "a sleeping subscriber makes the reaping zap give up"
      assert mapped(m, 0x100000), "nothing was zapped"
    }
    mmap_read_unlock(m)
  }
  if mmap_read_trylock(other) {
    if !mm_flags_test(MMF_OOM_SKIP, other) {
      assert zap_vma_for_reaping(w) == 0
      assert !mapped(other, 0x100000), "the VMA was zapped"
    }
    mmap_read_unlock(other)
  }
}

expect ok
