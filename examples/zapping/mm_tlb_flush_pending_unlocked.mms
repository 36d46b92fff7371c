# Q: Can mm_tlb_flush_pending() be read before taking the PTL, to skip the
#    lock when nothing is pending?
# A: No. Only the PTL's acquisition orders the read after the release that
#    published the changed entry and the increment together
#    (include/linux/mm_inline.h: mm_tlb_flush_pending(): "Must be called
#    after having acquired the PTL ... it only guarantees to return true if
#    there is a flush pending for _this_ PTL"). Read before, it may say
#    false for an entry whose flush is still pending. Nothing in the kernel
#    checks it.

mm m
vma v = mmap(m, 0x300000, pages=1, prot=rw, flags=private)

thread walker {
  mmap_read_lock(m)
  pending = mm_tlb_flush_pending(m)
  pte pt = pte_offset_map_lock(m, 0x300000)
  if pt {
    if pending {
      flush_tlb_range(v, 0x300000, pages=1)
    }
    pte_unmap_unlock(pt)
  }
  mmap_read_unlock(m)
}

expect violation "mm_tlb_flush_pending/needs-ptl" at 16
