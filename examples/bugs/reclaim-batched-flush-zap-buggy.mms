# munmap against reclaim's batched TLB flush (fix 3ea277194daa "mm,
# mprotect: flush TLB if potentially racing with a parallel reclaim leaving
# stale TLB entries", Mel Gorman, v4.12, stable; the same commit added the
# call to zap_pte_range(), move_ptes() and madvise_free_pte_range()).
# Reclaim (shrink_folio_list() -> try_to_unmap(folio, TTU_BATCH_FLUSH))
# clears the PTE under its lock in try_to_unmap_one() and, as another CPU
# may hold the mm (should_defer_flush()), leaves the flush to
# try_to_unmap_flush() at the end of its batch. munmap() then zaps the
# table under the same PTE lock in zap_pte_range(), finds the entry none,
# gathers nothing for it (tlb_remove_tlb_entries() only adds the entries
# it clears), so tlb_finish_mmu() flushes nothing for it, and munmap()
# returns while the user thread's CPU still translates the address: the
# user reads and writes memory it has unmapped (and that a new mmap() of
# the range would not show). Reclaim flushes before it frees the page, so
# it is userspace's correctness, not a use-after-free.
# Kernels affected: 4.3 (72b252aed506) to 4.11.
# Rule: tlb/batched-flush-pending, at zap_present_ptes (the loop of
# zap_pte_range() under the PTE lock, kernel/munmap.mms).
# This copy: the kernel library's zap_pte_range() without the line the
# fix added.

mm m
vma v = mmap(m, 0x400000, pages=1, prot=rw, flags=private | anonymous)
touch(m, 0x400000, write)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x400000)
page pg = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)
get_page(pg)  # reclaim's folio_isolate_lru() reference, taken before the race

# mm/memory.c: zap_pte_range() before 3ea277194daa: no
# flush_tlb_batched_pending()
func zap_pte_range(tlb, vma, addr, end) {
  pte = pte_offset_map_lock(vma.vm_mm, addr)
  if !pte {
    return
  }
  force_flush = zap_present_ptes(tlb, vma, pte, end)
  if force_flush {
    tlb_flush_mmu_tlbonly(tlb)
    tlb_flush_rmaps(tlb, vma)
  }
  pte_unmap_unlock(pte)
  if force_flush {
    tlb_flush_mmu_free(tlb)
  }
}

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

expect violation "tlb/batched-flush-pending: zap_present_ptes changes the entries of [0x400000, 0x401000)" at 39 sometimes
# and, when the zap's gather finishes with the stale translation still
# there (tlb_finish_mmu() flushed only what this zap cleared):
expect violation "tlb/stale-after-zap: tlb_flush_mmu: the zap of [0x400000, 0x401000) is finished while CPU 0 still translates 0x400000" sometimes
