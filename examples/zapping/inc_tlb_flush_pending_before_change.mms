# Q: How does a thread that clears PTEs under their PTL, but flushes the
#    TLB only after dropping it, keep a racing MADV_DONTNEED from returning
#    while a CPU still translates the page?
# A: It raises mm->tlb_flush_pending first and drops it after the flush:
#    "atomic_inc(&mm->tlb_flush_pending); spin_lock(&ptl); ...
#    set_pte_at(); spin_unlock(&ptl); ... flush_tlb_range();
#    atomic_dec(&mm->tlb_flush_pending)" (include/linux/mm_inline.h:
#    inc_tlb_flush_pending()). A zap that finds the entry already none
#    then sees mm_tlb_flush_nested() in tlb_finish_mmu() and flushes the
#    whole mm before returning. The page stays alive: ptep_get_and_clear()
#    handed its reference to this thread, which drops it after the flush.

mm m
vma v = mmap(m, 0x500000, pages=1, prot=rw, flags=private)

thread batcher {
  assert touch(m, 0x500000, write)  # this CPU caches the translation
  mmap_read_lock(m)
  inc_tlb_flush_pending(m)
  pte pt = pte_offset_map_lock(m, 0x500000)
  page old = ptep_get_and_clear(pt)
  pte_unmap_unlock(pt)
  flush_tlb_range(v, 0x500000, pages=1)
  dec_tlb_flush_pending(m)
  if old { put_page(old) }
  mmap_read_unlock(m)
}

thread dontneed {
  mmap_read_lock(m)
  tlb = tlb_gather_mmu(m)
  madvise_vma_behavior(m, tlb, v, v, 0x500000, 0x501000, MADV_DONTNEED)
  tlb_finish_mmu(tlb)
  mmap_read_unlock(m)
}

expect ok
