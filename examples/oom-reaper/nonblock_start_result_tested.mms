# Q: How does a path that must not block start an MMU-notifier
#    invalidation, when a subscriber may need to sleep?
# A: With mmu_notifier_invalidate_range_start_nonblock(), testing what it
#    returns: on -EAGAIN the range was not started and no entry of it may
#    change, so the path leaves the page tables alone, does not call
#    mmu_notifier_invalidate_range_end(), and reports that it would have
#    had to block (mm/memory.c: zap_vma_for_reaping(): tlb_finish_mmu();
#    return -EBUSY). On 0 it zaps and ends the range.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=private)
touch(m, 0x100000, write)
mmu_notifier_register(m, sleeps=true)  # its invalidate_range_start sleeps

thread reaper {
  if mmap_read_trylock(m) {
    range = mmu_notifier_range_init(clear, 0, m, v.vm_start, v.vm_end)
    tlb = tlb_gather_mmu(m)
    if mmu_notifier_invalidate_range_start_nonblock(range) == 0 {
      unmap_single_vma(tlb, v, range.start, range.end)
      mmu_notifier_invalidate_range_end(range)
    }
    tlb_finish_mmu(tlb)
    mmap_read_unlock(m)
  }
}

expect ok
