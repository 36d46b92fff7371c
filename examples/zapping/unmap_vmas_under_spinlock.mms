# Q: May the zap of a munmap (unmap_vmas()) run under a spinlock, say a
#    driver's statistics lock taken around it?
# A: No: unmap_vmas() opens one MMU_NOTIFY_UNMAP invalidation around the
#    zap of every gathered VMA, and mmu_notifier_invalidate_range_start()
#    may sleep (include/linux/mmu_notifier.h: might_sleep(); subscribers
#    such as KVM wait there), as does the zap itself (mm/memory.c:
#    zap_pmd_range(): cond_resched() per PMD). Take the spinlock around the
#    statistics only. A debug kernel prints "BUG: sleeping function called
#    from invalid context" (CONFIG_DEBUG_ATOMIC_SLEEP).

mm m
spinlock stats_lock
vma v = mmap(m, 0x200000, pages=4, prot=rw)
touch(m, 0x200000, write)

thread unmapper {
  mmap_write_lock(m)
  vms = vms_gather_munmap_vmas(m, 0x200000, 0x204000, unlock=true)
  vma_iter_clear_gfp(vms)
  mmap_write_downgrade(m)
  tlb = tlb_gather_mmu(m)
  spin_lock(stats_lock)
  unmap_vmas(tlb, vms)
  spin_unlock(stats_lock)
  free_pgtables(tlb, vms)
  tlb_finish_mmu(tlb)
  for i in 0..vms.vma_count {
    remove_vma(vms_detached_vma(vms, i))
  }
  mmap_read_unlock(m)
}

expect violation "lock/sleep-in-atomic: mmu_notifier_invalidate_range_start" at 23
