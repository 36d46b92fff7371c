# Q: Two threads zap the same page under the mmap read lock, each in its
#    own mmu_gather; what if the end of a gather flushes only what it
#    cleared itself (tlb_finish_mmu before v4.13)?
# A: The thread that finds the entry already cleared flushes nothing and
#    returns while a CPU still translates the page through the entry the
#    other thread cleared and has not flushed yet: a store after
#    madvise(MADV_DONTNEED) returned goes to the old page, which the other
#    gather then frees (tlb/stale-after-zap; fixed by 99baac21e458 "mm: fix
#    MADV_[FREE|DONTNEED] TLB flush miss problem": flush the mm when
#    mm_tlb_flush_nested()).

mm m
vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=private)
touch(m, 0x100000, write)  # this CPU caches the translation

thread a {
  mmap_read_lock(m)
  tlb = tlb_gather_mmu(m)
  madvise_vma_behavior(m, tlb, v, v, 0x100000, 0x101000, MADV_DONTNEED)
  msleep(1)  # preempted before its flush
  msleep(1)
  msleep(1)
  tlb_flush_mmu(tlb)
  dec_tlb_flush_pending(m)
  mmap_read_unlock(m)
}

thread b {
  msleep(1)
  mmap_read_lock(m)
  tlb = tlb_gather_mmu(m)
  madvise_vma_behavior(m, tlb, v, v, 0x100000, 0x101000, MADV_DONTNEED)  # finds the entry cleared
  if mm_tlb_flush_nested(m) {
    print("another gather is pending; this one flushes only what it cleared")
  }
  tlb_flush_mmu(tlb)
  dec_tlb_flush_pending(m)
  mmap_read_unlock(m)
}

expect violation "tlb/stale-after-zap" at 36
expect violation "tlb/stale-after-zap" at 23 sometimes
