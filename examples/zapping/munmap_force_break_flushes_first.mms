# Q: munmap()'s zap drops a PTE table's lock in the middle of the table
#    when its mmu_gather's batch of pages is full (zap_pte_range():
#    force_break). May a CPU that still caches a translation of the range
#    reach a page the zap has freed?
# A: No. Before the lock drops, the TLB is flushed (tlb_flush_mmu_tlbonly()
#    "Do the actual TLB flush before dropping ptl"), and only then are the
#    gathered pages freed (tlb_flush_mmu()): a store after the flush
#    faults, one before it reaches a page not yet freed (mm/memory.c:
#    zap_pte_range(); mm/mmu_gather.c: __tlb_remove_folio_pages(),
#    tlb_next_batch()). fail_page_alloc() makes the batch's GFP_NOWAIT
#    allocation fail, so the batch holds 7 pages and the zap of 9 breaks
#    once.

mm m
vma v = mmap(m, 0x400000, pages=9, prot=rw, flags=private | anonymous)
for i in 0..9 {
  touch(m, 0x400000 + i * PAGE_SIZE, write)
}
fail_page_alloc(-1)  # /sys/kernel/debug/fail_page_alloc: probability 100, times -1

thread user {
  touch(m, 0x400000, write)  # this CPU caches the translation
  touch(m, 0x400000, write)  # through the cached entry, or a fault
}

thread unmapper {
  munmap(m, 0x400000, pages=9)
}

expect ok always
