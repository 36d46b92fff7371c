# Q: Is try_to_unmap_flush_dirty() enough before reclaim frees a folio it
#    unmapped with TTU_BATCH_FLUSH?
# A: No: it flushes only when an entry the batch cleared was dirty
#    (tlb_ubc->writable), the case where a write through a stale
#    translation could race with the write-out. A clean entry, here one
#    MADV_FREE made clean, which reclaim then discards, still needs
#    try_to_unmap_flush() before the free: another CPU reads the freed
#    page through its old translation. mm/rmap.c:
#    try_to_unmap_flush_dirty() ("Flush iff there are potentially
#    writable TLB entries that can race with IO"), try_to_unmap_flush().

mm m
mmap(m, 0x400000, pages=1, prot=rw, flags=private | anonymous)
touch(m, 0x400000, write)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x400000)
page pg = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)
madvise(m, 0x400000, PAGE_SIZE, MADV_FREE)  # the entry clean, the folio lazyfree

thread user {  # another CPU of the process: reads the page
  touch(m, 0x400000, read)
  touch(m, 0x400000, read)
}

thread reclaim {
  get_page(pg)  # folio_isolate_lru()'s reference
  folio_lock(pg)
  try_to_unmap(pg, TTU_BATCH_FLUSH)
  try_to_unmap_flush_dirty()  # nothing dirty: no flush
  folio_unlock(pg)
  put_page(pg)  # a clean lazyfree folio is discarded: freed
  try_to_unmap_flush()
}

expect violation "tlb/batched-flush-before-free" at 33
expect violation "tlb/stale-entry: user access at 0x400000" sometimes
