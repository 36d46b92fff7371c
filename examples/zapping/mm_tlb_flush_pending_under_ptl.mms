# Q: A walker (KSM's write_protect_page(), a migration path) finds a PTE
#    already write-protected or cleared by someone else's batched change.
#    How does it know a TLB flush of that entry may still be pending?
# A: It reads mm_tlb_flush_pending() under the PTL of that entry, and
#    flushes itself when it is true. The batching thread raised the count
#    (inc_tlb_flush_pending(), done by tlb_gather_mmu()) before its change
#    and drops it after its flush; taking the PTL orders the read after the
#    release that published both (include/linux/mm_inline.h:
#    mm_tlb_flush_pending(): "Must be called after having acquired the
#    PTL").

mm m
vma v = mmap(m, 0x300000, pages=1, prot=rw, flags=private)

thread zapper {
  assert touch(m, 0x300000, write)
  mmap_read_lock(m)
  tlb = tlb_gather_mmu(m)
  madvise_vma_behavior(m, tlb, v, v, 0x300000, 0x301000, MADV_DONTNEED)
  tlb_finish_mmu(tlb)
  mmap_read_unlock(m)
}

thread walker {
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x300000)
  if pt {
    if mm_tlb_flush_pending(m) {
      flush_tlb_range(v, 0x300000, pages=1)
    }
    pte_unmap_unlock(pt)
  }
  mmap_read_unlock(m)
}

expect ok
