# madvise(MADV_FREE) against reclaim's batched TLB flush (fix 3ea277194daa
# "mm, mprotect: flush TLB if potentially racing with a parallel reclaim
# leaving stale TLB entries", Mel Gorman, v4.12, stable; the same commit
# added the call to change_pte_range(), zap_pte_range(), move_ptes() and
# madvise_free_pte_range()). Reclaim (shrink_folio_list() ->
# try_to_unmap(folio, TTU_BATCH_FLUSH)) clears the PTE under its lock in
# try_to_unmap_one() and, as another CPU may hold the mm
# (should_defer_flush()), leaves the flush to try_to_unmap_flush() at the
# end of its batch. MADV_FREE then walks the table under the same PTE
# lock in madvise_free_pte_range(), finds the entry none, cleans and
# gathers nothing for it (tlb_remove_tlb_entries() only adds the entries
# it changes), so tlb_finish_mmu() flushes nothing for it, and madvise()
# returns while the user thread's CPU still writes the page through its
# old writable translation. Reclaim flushes before it frees the page, so
# it is userspace's correctness, not a use-after-free.
# Kernels affected: 4.5 (854e9ed09ded "mm: support madvise(MADV_FREE)")
# to 4.11. The same race after the walk retakes the lock around a large
# folio's split_folio() was closed only by 383c4613c67c (v6.16):
# reclaim-batched-flush-madvise-free-split-buggy.mms.
# Rule: tlb/batched-flush-pending, at clear_young_dirty_ptes (the loop of
# madvise_free_pte_range() under the PTE lock, kernel/madvise.mms).
# This copy: the kernel library's madvise_free_pte_range() without the
# line the fix added; madvise() as the kernel library has it (MADV_FREE
# under the VMA read lock).

mm m
vma v = mmap(m, 0x400000, pages=1, prot=rw, flags=private | anonymous)
touch(m, 0x400000, write)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x400000)
page pg = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)
get_page(pg)  # reclaim's folio_isolate_lru() reference, taken before the race

# mm/madvise.c: madvise_free_pte_range() before 3ea277194daa: no
# flush_tlb_batched_pending()
func madvise_free_pte_range(tlb, vma, addr, end) {
  if pmd_trans_huge(pmdp_get_lockless(vma.vm_mm, addr)) {
    if madvise_free_huge_pmd(tlb, vma, addr, end) {
      return 0
    }
  }
  pte = pte_offset_map_lock(vma.vm_mm, addr)
  if !pte {
    return 0
  }
  clear_young_dirty_ptes(tlb, vma, pte, end)
  pte_unmap_unlock(pte)
  cond_resched()
  return 0
}

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

expect violation "tlb/batched-flush-pending: clear_young_dirty_ptes changes the entries of [0x400000, 0x401000)" at 48 sometimes
# and, when madvise's gather finishes with the stale translation still
# there (tlb_finish_mmu() flushed only what the walk cleaned):
expect violation "tlb/stale-after-zap: tlb_flush_mmu: the MADV_FREE walk of [0x400000, 0x401000) is finished while CPU 0 still translates 0x400000" sometimes
