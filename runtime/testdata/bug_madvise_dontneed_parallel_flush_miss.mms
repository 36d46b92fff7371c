# Two threads' MADV_DONTNEED of the same range: the second finds the PTE
# already cleared by the first, whose TLB flush is still deferred, flushes
# nothing and returns; its thread then writes through the stale TLB entry
# into the page the first is about to free (fix 99baac21e458 "mm: fix
# MADV_[FREE|DONTNEED] TLB flush miss problem", Minchan Kim, v4.13;
# reported by Nadav Amit, the MADV_FREE variant by Mel Gorman).
#
# Kernel functions: madvise() -> zap_page_range() under the mmap read lock
# (v4.12; the 2026 library's do_madvise() under the VMA read lock runs
# the same zap), tlb_gather_mmu() / tlb_finish_mmu(); the v4.12
# tlb_finish_mmu() (arch_tlb_finish_mmu: tlb_flush_mmu() of what this
# gather cleared) replaces the library's, which since the fix flushes the
# whole mm when mm_tlb_flush_nested(). What goes wrong: zap_pte_range()
# of thread a clears the PTE and defers the flush to its tlb_finish_mmu();
# thread b's zap_pte_range() sees pte_none and gathers nothing; b's
# tlb_finish_mmu() flushes nothing, madvise() returns, and b's next store
# hits its CPU's stale writable TLB entry (lost write, then a use after
# free of the page once a's gather frees it).
mm m
mmap(m, 0x100000, pages=1, prot=rw, flags=private)

# mm/memory.c (v4.12): tlb_finish_mmu() -> arch_tlb_finish_mmu():
# tlb_flush_mmu(tlb), no mm_tlb_flush_nested() check
func tlb_finish_mmu(tlb) {
  tlb_flush_mmu(tlb)
  dec_tlb_flush_pending(tlb.mm)  # tlb_gather_mmu's count (v4.12 had none)
}

thread a {
  madvise(m, 0x100000, PAGE_SIZE, MADV_DONTNEED)
}

thread b {
  assert touch(m, 0x100000, write)  # b's CPU caches the translation
  madvise(m, 0x100000, PAGE_SIZE, MADV_DONTNEED)
  touch(m, 0x100000, write)  # must fault in a new zero page
}

expect violation "tlb/stale-after-zap" at 25 sometimes
