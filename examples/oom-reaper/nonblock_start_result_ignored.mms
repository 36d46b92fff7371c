# Q: I zap where I must not block, so I start the invalidation with
#    mmu_notifier_invalidate_range_start_nonblock(). May I go on without
#    testing its result?
# A: No. It is __must_check: it fails with -EAGAIN when a subscriber would
#    have to sleep, and then "you're not allowed to modify PTEs in the
#    specified range" (include/linux/mmu_notifier.h): the subscriber (a
#    KVM guest, a device) keeps its secondary mapping of the pages the zap
#    frees. The failed start also undid what it began, so the
#    mmu_notifier_invalidate_range_end() that follows closes a range that
#    was never opened. zap_vma_for_reaping() returns -EBUSY instead.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=private)
touch(m, 0x100000, write)
mmu_notifier_register(m, sleeps=true)  # its invalidate_range_start sleeps

thread reaper {
  if mmap_read_trylock(m) {
    range = mmu_notifier_range_init(clear, 0, m, v.vm_start, v.vm_end)
    tlb = tlb_gather_mmu(m)
    mmu_notifier_invalidate_range_start_nonblock(range)
    unmap_single_vma(tlb, v, range.start, range.end)
    mmu_notifier_invalidate_range_end(range)
    tlb_finish_mmu(tlb)
    mmap_read_unlock(m)
  }
}

expect violation "mmu_notifier_invalidate_range_start_nonblock/result-unused" at 21
expect violation "mmu_notifier/unbalanced" at 23
