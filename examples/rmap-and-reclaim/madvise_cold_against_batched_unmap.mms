# madvise(MADV_COLD) against reclaim's batched TLB flush: the walk
# (madvise_cold_or_pageout_pte_range(), mm/madvise.c) takes each PTE
# table's lock and calls flush_tlb_batched_pending() before it makes the
# young entries old, as it has since MADV_COLD was added (9c276cc65a58,
# v5.4, after madvise_free_pte_range()'s 3ea277194daa). An entry reclaim
# cleared with its flush batched (try_to_unmap_one() with
# TTU_BATCH_FLUSH) is flushed there, so the user's CPU does not keep the
# stale translation past madvise(). The race the walk still had after it
# retook the lock around a large folio's split_folio() was closed by
# 383c4613c67c (v6.16), which added the second flush_tlb_batched_pending()
# (kernel/madvise.mms, as for MADV_FREE:
# bugs/reclaim-batched-flush-madvise-free-split-buggy.mms).
# Rule: tlb/batched-flush-pending (none here).

mm m
vma v = mmap(m, 0x400000, pages=1, prot=rw, flags=private | anonymous)
touch(m, 0x400000, write)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x400000)
page pg = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)
get_page(pg)  # reclaim's folio_isolate_lru() reference, taken before the race

thread user {  # another CPU: caches the writable translation, uses it after madvise()
  touch(m, 0x400000, write)
  touch(m, 0x400000, read)
}

thread cold {
  madvise(m, 0x400000, PAGE_SIZE, MADV_COLD)  # the mmap read lock (get_lock_mode())
}

thread reclaim {  # kswapd: shrink_folio_list() of the isolated folio
  folio_lock(pg)
  try_to_unmap(pg, TTU_BATCH_FLUSH)
  try_to_unmap_flush()  # before the folios are freed
  folio_unlock(pg)
  put_page(pg)
}

expect ok
