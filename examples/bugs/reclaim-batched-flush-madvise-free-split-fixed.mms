# madvise(MADV_FREE) against reclaim's batched TLB flush after the walk
# split a large folio, fixed (383c4613c67c "mm: close theoretical race
# where stale TLB entries could linger", v6.16): madvise_free_pte_range()
# calls flush_tlb_batched_pending(mm) again when it takes the PTE lock
# again after split_folio(), so an entry reclaim cleared in that window
# with its flush batched (try_to_unmap_one() with TTU_BATCH_FLUSH) is
# flushed before the walk goes on and madvise() returns. The kernel
# library's madvise() as it is. Rule: tlb/batched-flush-pending (none
# here).
#
# The large folio: a THP whose PMD MADV_DONTNEED split (zap_pmd_range()
# -> __split_huge_pmd()) while zapping its second half; the PTE table
# maps its first 256 pages and, at 0x300000, a small page faulted later.
# MADV_FREE of [0x2ff000, 0x301000) finds the THP's last mapped page
# first, a batch of 1 of a folio of 512: it splits the folio, then walks
# on to 0x300000, the page reclaim unmaps.

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
assert touch(m, 0x200000, write)                      # a PMD-mapped THP (do_huge_pmd_anonymous_page)
madvise(m, 0x300000, 256 * PAGE_SIZE, MADV_DONTNEED)  # the PMD split, the folio mapped in part
assert touch(m, 0x300000, write)                      # a small folio in the same PTE table
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x300000)
page pg = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)
get_page(pg)  # reclaim's folio_isolate_lru() reference, taken before the race

thread user {  # another CPU: caches the writable translation, uses it after madvise()
  touch(m, 0x300000, write)
  touch(m, 0x300000, read)
}

thread lazyfree {
  madvise(m, 0x2ff000, 2 * PAGE_SIZE, MADV_FREE)
}

thread reclaim {  # kswapd: shrink_folio_list() of the isolated folio
  folio_lock(pg)
  try_to_unmap(pg, TTU_BATCH_FLUSH)
  try_to_unmap_flush()  # before the folios are freed
  folio_unlock(pg)
  put_page(pg)
}

expect ok
