# Q: What if zap_pte_range(), when the mmu_gather's batch is full
#    (force_break), dropped the PTE lock and freed the gathered pages
#    without flushing the TLB first?
# A: A CPU that cached a translation of a zapped page keeps using it after
#    the page is freed: nothing in the kernel notices (the page may be
#    someone else's by then). The kernel flushes first: force_flush is set
#    with force_break, and "Do the actual TLB flush before dropping ptl"
#    (mm/memory.c: zap_pte_range()). This copy of the library's
#    zap_pte_range() leaves out tlb_flush_mmu_tlbonly(); the frees of
#    tlb_flush_mmu_free() come before tlb_finish_mmu()'s flush.

mm m
vma v = mmap(m, 0x400000, pages=9, prot=rw, flags=private | anonymous)
for i in 0..9 {
  touch(m, 0x400000 + i * PAGE_SIZE, write)
}
fail_page_alloc(-1)  # the batch holds 7 pages: the zap of 9 breaks once

func zap_pte_range(tlb, vma, addr, end) {
  while true {
    pte = pte_offset_map_lock(vma.vm_mm, addr)
    if !pte {
      return
    }
    flush_tlb_batched_pending(vma.vm_mm)
    force_flush = zap_present_ptes(tlb, vma, pte, end)
    addr = tlb.addr
    pte_unmap_unlock(pte)  # no tlb_flush_mmu_tlbonly() before this
    if force_flush {
      tlb_flush_mmu_free(tlb)
    }
    if addr == end {
      return
    }
  }
}

thread user {
  touch(m, 0x400000, write)  # this CPU caches the translation
  touch(m, 0x400000, write)  # through the cached entry
}

thread unmapper {
  munmap(m, 0x400000, pages=9)
}

expect violation "tlb/stale-entry" at 40 sometimes
