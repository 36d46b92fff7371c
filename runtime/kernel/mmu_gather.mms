# The end of an mmu_gather as mm/mmu_gather.c runs it (linux-mm 2026).
# tlb_gather_mmu() (inc_tlb_flush_pending) and tlb_flush_mmu() (flush what
# the zaps cleared, then free the gathered pages) are atomic steps.

# mm/mmu_gather.c: tlb_finish_mmu()
func tlb_finish_mmu(tlb) {
  # If there are parallel threads are doing PTE changes on same range
  # under non-exclusive lock (e.g., mmap_lock read-side) but defer TLB
  # flush by batching, one thread may end up seeing inconsistent PTEs
  # and result in having stale TLB entries.  So flush TLB forcefully
  # if we detect parallel PTE batching threads.
  if mm_tlb_flush_nested(tlb.mm) {
    # tlb->fullmm = 1; __tlb_reset_range(tlb); tlb->freed_tables = 1:
    # tlb_flush() of a fullmm gather is flush_tlb_mm()
    flush_tlb_mm(tlb.mm)
  }
  tlb_flush_mmu(tlb)
  dec_tlb_flush_pending(tlb.mm)
}
