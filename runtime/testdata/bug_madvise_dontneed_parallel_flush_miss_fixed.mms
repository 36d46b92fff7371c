# The fixed form of bug_madvise_dontneed_parallel_flush_miss.mms
# (99baac21e458 "mm: fix MADV_[FREE|DONTNEED] TLB flush miss problem",
# v4.13): tlb_gather_mmu() counts the mm's gathers under way
# (inc_tlb_flush_pending) and the library's tlb_finish_mmu() flushes the
# whole mm when another one is pending (mm_tlb_flush_nested), so the
# madvise() that found the PTE already cleared still flushes the stale
# entry before it returns; the store after it faults in a new page.
mm m
mmap(m, 0x100000, pages=1, prot=rw, flags=private)

thread a {
  madvise(m, 0x100000, PAGE_SIZE, MADV_DONTNEED)
}

thread b {
  assert touch(m, 0x100000, write)  # b's CPU caches the translation
  madvise(m, 0x100000, PAGE_SIZE, MADV_DONTNEED)
  touch(m, 0x100000, write)  # must fault in a new zero page
}

expect ok
