# Q: Finishing an mmu_gather by hand: may the pending count drop before
#    tlb_flush_mmu()?
# A: No. tlb_finish_mmu() flushes first and calls dec_tlb_flush_pending()
#    last: "The decrement is ordered by the flush_tlb_range(), such that
#    mm_tlb_flush_pending() will not return false unless all flushes have
#    completed" (include/linux/mm_inline.h: inc_tlb_flush_pending()).
#    Dropped first, the count says "nothing pending" while this CPU still
#    translates the zapped page through its cleared entry: a racing
#    MADV_DONTNEED finds the entry none, sees no nested gather and returns
#    unflushed; KSM skips its flush. The kernel does not check it.

mm m
vma v = mmap(m, 0x400000, pages=1, prot=rw, flags=private)

thread t {
  assert touch(m, 0x400000, write)  # this CPU caches the translation
  mmap_read_lock(m)
  tlb = tlb_gather_mmu(m)
  madvise_vma_behavior(m, tlb, v, v, 0x400000, 0x401000, MADV_DONTNEED)
  dec_tlb_flush_pending(m)
  tlb_flush_mmu(tlb)
  mmap_read_unlock(m)
}

expect violation "dec_tlb_flush_pending/before-flush" at 20
