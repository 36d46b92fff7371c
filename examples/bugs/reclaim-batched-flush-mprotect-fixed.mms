# mprotect against reclaim's batched TLB flush, fixed (3ea277194daa "mm,
# mprotect: flush TLB if potentially racing with a parallel reclaim leaving
# stale TLB entries", v4.12): change_pte_range() calls
# flush_tlb_batched_pending() right after taking the PTE lock, so an entry
# reclaim cleared there with its flush batched (try_to_unmap_one() with
# TTU_BATCH_FLUSH, set_tlb_ubc_flush_pending()) is flushed before mprotect
# changes the table and returns. The kernel library's mprotect as it is.
# Rule: tlb/batched-flush-pending (none here).

mm m
mmap(m, 0x400000, pages=1, prot=rw, flags=private | anonymous)
touch(m, 0x400000, write)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x400000)
page pg = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)

thread user {  # another CPU: caches the writable translation, writes through it
  touch(m, 0x400000, write)
  touch(m, 0x400000, write)
}

thread prot {
  mprotect(m, 0x400000, PAGE_SIZE, PROT_READ)
}

thread reclaim {  # kswapd: shrink_folio_list() of an isolated folio
  get_page(pg)  # folio_isolate_lru()'s reference
  folio_lock(pg)
  try_to_unmap(pg, TTU_BATCH_FLUSH)
  try_to_unmap_flush()  # before the folios are freed
  folio_unlock(pg)
  put_page(pg)
}

expect ok
