# madvise(MADV_FREE) against reclaim's batched TLB flush, fixed
# (3ea277194daa "mm, mprotect: flush TLB if potentially racing with a
# parallel reclaim leaving stale TLB entries", v4.12):
# madvise_free_pte_range() calls flush_tlb_batched_pending(mm) right after
# taking the PTE lock, so an entry reclaim cleared there with its flush
# batched (try_to_unmap_one() with TTU_BATCH_FLUSH,
# set_tlb_ubc_flush_pending()) is flushed before the walk goes on and
# madvise() returns. The kernel library's madvise() as it is (MADV_FREE
# under the VMA read lock, get_lock_mode()). Rule:
# tlb/batched-flush-pending (none here).

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

thread lazyfree {
  madvise(m, 0x400000, PAGE_SIZE, MADV_FREE)
}

thread reclaim {  # kswapd: shrink_folio_list() of the isolated folio
  folio_lock(pg)
  try_to_unmap(pg, TTU_BATCH_FLUSH)
  try_to_unmap_flush()  # before the folios are freed
  folio_unlock(pg)
  put_page(pg)
}

expect ok
