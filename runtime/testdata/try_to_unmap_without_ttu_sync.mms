# try_to_unmap() against a zap of the same page, between the zap's clear
# of the entry and its removal of the folio's rmap. The zap keeps a dirty
# file folio's rmap until its TLB flush, under the PTE lock
# (zap_present_folio_ptes(): tlb_delay_rmap(); zap_pte_range():
# tlb_flush_rmaps() before pte_unmap_unlock()). Without TTU_SYNC the walk
# reads the entry without that lock (page_vma_mapped_walk() without
# PVMW_SYNC: map_pte()'s ptep_get_lockless()), finds it none, and
# try_to_unmap() returns with folio_mapped() still true: "try_to_unmap()
# may return before page_mapped() has become false, if page table locking
# is skipped: use TTU_SYNC to wait for that" (mm/rmap.c:
# try_to_unmap_one(); 732ed55823fc). try_to_unmap_ttu_sync.mms passes
# TTU_SYNC, as unmap_folio() does for a THP split.

mm m
file f
vma v = mmap(m, 0x400000, pages=1, prot=rw, flags=shared, file=f)
touch(m, 0x400000, write)  # a dirty entry
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x400000)
page fp = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)

thread zapper {  # MADV_DONTNEED's zap of the page
  mmap_read_lock(m)
  tlb = tlb_gather_mmu(m)
  zap_pte_range(tlb, v, 0x400000, 0x401000)
  tlb_finish_mmu(tlb)
  mmap_read_unlock(m)
}

thread reclaim {
  folio_lock(fp)
  try_to_unmap(fp)
  mapped = folio_mapped(fp)
  folio_unlock(fp)
  assert !mapped, "try_to_unmap() returned with the folio still mapped"
}

expect error "try_to_unmap() returned with the folio still mapped" sometimes
