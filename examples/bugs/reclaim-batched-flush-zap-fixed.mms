# madvise(MADV_DONTNEED) against reclaim's batched TLB flush, fixed
# (3ea277194daa "mm, mprotect: flush TLB if potentially racing with a
# parallel reclaim leaving stale TLB entries", v4.12): zap_pte_range()
# calls flush_tlb_batched_pending(mm) right after taking the PTE lock, so
# an entry reclaim cleared there with its flush batched (try_to_unmap_one()
# with TTU_BATCH_FLUSH, set_tlb_ubc_flush_pending()) is flushed before the
# zap goes on and madvise() returns. The kernel library's zap_pte_range()
# as it is. Rule: tlb/batched-flush-pending (none here).

mm m
vma v = mmap(m, 0x400000, pages=1, prot=rw, flags=private | anonymous)
touch(m, 0x400000, write)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x400000)
page pg = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)
get_page(pg)  # reclaim's folio_isolate_lru() reference, taken before the race

thread user {  # another CPU: caches the writable translation, uses it after the zap
  touch(m, 0x400000, write)
  touch(m, 0x400000, read)
}

thread dontneed {  # mm/madvise.c: madvise_dontneed_single_vma() -> zap_page_range_single_batched()
  mmap_read_lock(m)
  tlb = tlb_gather_mmu(m)
  unmap_single_vma(tlb, v, 0x400000, 0x401000)
  tlb_finish_mmu(tlb)
  mmap_read_unlock(m)
}

thread reclaim {  # kswapd: shrink_folio_list() of the isolated folio
  folio_lock(pg)
  try_to_unmap(pg, TTU_BATCH_FLUSH)
  try_to_unmap_flush()  # before the folios are freed
  folio_unlock(pg)
  put_page(pg)
}

expect ok
