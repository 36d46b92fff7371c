# Q: Two threads zap the same page under the mmap read lock, each in its
#    own mmu_gather (parallel MADV_DONTNEED): what must the end of a
#    gather do?
# A: The thread that finds the entry already cleared gathers nothing, yet
#    another CPU may still translate the page through the entry the other
#    thread cleared and has not flushed. tlb_finish_mmu() therefore checks
#    mm_tlb_flush_nested() (more than one gather of the mm pending:
#    mm->tlb_flush_pending, counted by tlb_gather_mmu() and
#    dec_tlb_flush_pending()) and flushes the whole mm before
#    tlb_flush_mmu() (mm/mmu_gather.c: tlb_finish_mmu(); commit
#    99baac21e458). Written out by hand here.

mm m
vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=private)

func zap_page(m, v) {
  mmap_read_lock(m)
  tlb = tlb_gather_mmu(m)
  madvise_vma_behavior(m, tlb, v, v, 0x100000, 0x101000, MADV_DONTNEED)  # zap_page_range_single_batched()
  if mm_tlb_flush_nested(m) {
    flush_tlb_mm(m)  # tlb->fullmm = 1
  }
  tlb_flush_mmu(tlb)
  dec_tlb_flush_pending(m)
  mmap_read_unlock(m)
}

thread a {
  zap_page(m, v)
}

thread b {
  assert touch(m, 0x100000, write)  # b's CPU caches the translation
  zap_page(m, v)
  touch(m, 0x100000, write)
}

expect ok
