# Q: Can reclaim free a folio it unmapped with TTU_BATCH_FLUSH and flush
#    the TLB afterwards, once for the whole batch?
# A: No. try_to_unmap_one() cleared the entry without a flush
#    (set_tlb_ubc_flush_pending()), so another CPU may still read the
#    folio through its old translation: after the free that is a read of
#    whatever the page holds next. try_to_unmap_flush() comes before the
#    folios are freed (mm/rmap.c: "it must be flushed before freeing to
#    prevent data leakage"; mm/vmscan.c: shrink_folio_list() flushes
#    before free_unref_folios()).

mm m
mmap(m, 0x400000, pages=1, prot=rw, flags=private | anonymous)
touch(m, 0x400000, write)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x400000)
page pg = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)

thread user {  # another CPU of the process: reads the page
  touch(m, 0x400000, read)
  touch(m, 0x400000, read)
}

thread reclaim {
  get_page(pg)  # folio_isolate_lru()'s reference
  folio_lock(pg)
  try_to_unmap(pg, TTU_BATCH_FLUSH)
  folio_unlock(pg)
  put_page(pg)  # freed with the flush still batched
  try_to_unmap_flush()
}

expect violation "tlb/batched-flush-before-free" at 30
expect violation "tlb/stale-entry: user access at 0x400000" sometimes
