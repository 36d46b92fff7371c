# Q: I zap a PTE table's entries into an mmu_gather by hand: may I finish
#    the gather before I drop the PTE lock?
# A: No: tlb_finish_mmu() flushes the TLB and then frees the pages the zap
#    gathered, and the freeing calls cond_resched() after each batch
#    (mm/mmu_gather.c: tlb_flush_mmu() -> tlb_batch_pages_flush() ->
#    __tlb_batch_free_encoded_pages()), so it may sleep. zap_pte_range()
#    drops the PTE lock first (pte_unmap_unlock()), and unmap_vmas()'s
#    callers finish the gather after the whole zap. A debug kernel prints
#    "BUG: sleeping function called from invalid context"
#    (CONFIG_DEBUG_ATOMIC_SLEEP).

mm m
vma v = mmap(m, 0x200000, pages=4, prot=rw)
touch(m, 0x200000, write)
touch(m, 0x201000, write)

thread zapper {
  mmap_read_lock(m)
  tlb = tlb_gather_mmu(m)
  pte = pte_offset_map_lock(m, 0x200000)
  zap_present_ptes(tlb, v, pte, 0x202000)
  tlb_finish_mmu(tlb)
  pte_unmap_unlock(pte)
  mmap_read_unlock(m)
}

expect violation "lock/sleep-in-atomic: tlb_flush_mmu" at 22
