# Q: Reclaim unmaps folios with TTU_BATCH_FLUSH, so that one TLB flush
#    covers the whole batch. When must that flush come?
# A: Before the folio is written out when an entry it cleared was dirty
#    (try_to_unmap_flush_dirty(), before pageout()), and before the folio
#    is freed in any case (try_to_unmap_flush()): until then other CPUs
#    may still read and write it through their old translations.
#    mm/rmap.c: try_to_unmap_flush() ("it must be flushed before freeing
#    to prevent data leakage"), try_to_unmap_flush_dirty(); mm/vmscan.c:
#    shrink_folio_list().

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

thread reclaim {  # kswapd: shrink_folio_list() of an isolated folio
  get_page(pg)  # folio_isolate_lru()'s reference
  folio_lock(pg)
  try_to_unmap(pg, TTU_BATCH_FLUSH)
  try_to_unmap_flush_dirty()  # the entry was dirty: before pageout()
  try_to_unmap_flush()        # before the folios are freed
  folio_unlock(pg)
  put_page(pg)  # the last reference: the folio is freed
}

expect ok
