# Q: A zap batched in an mmu_gather leaves by an early return without
#    tlb_finish_mmu(). What is lost?
# A: The end of the batch: "tlb_gather_mmu() / ... / tlb_finish_mmu():
#    start and finish a mmu_gather. Finish in particular will issue a
#    (final) TLB invalidate and free all (remaining) queued pages"
#    (include/asm-generic/tlb.h). Unfinished, the zapped page is never
#    freed, the CPU that cached it keeps translating it, and
#    mm->tlb_flush_pending, raised by __tlb_gather_mmu(), stays raised:
#    every later tlb_finish_mmu() of the mm sees mm_tlb_flush_nested() and
#    flushes the whole mm. The kernel does not check it.

mm m
vma v = mmap(m, 0x700000, pages=1, prot=rw, flags=private)

thread t {
  assert touch(m, 0x700000, write)
  mmap_read_lock(m)
  tlb = tlb_gather_mmu(m)
  madvise_vma_behavior(m, tlb, v, v, 0x700000, 0x701000, MADV_DONTNEED)
  mmap_read_unlock(m)  # returns without tlb_finish_mmu(tlb)
}

expect violation "tlb_gather_mmu/not-finished" at 21
