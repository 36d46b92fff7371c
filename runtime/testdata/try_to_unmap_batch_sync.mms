# Reclaim of a large folio: shrink_folio_list() passes TTU_BATCH_FLUSH |
# TTU_SYNC (mm/vmscan.c: "if (folio_test_large(folio)) flags |= TTU_SYNC;").
# As in try_to_unmap_ttu_sync.mms, TTU_SYNC makes the walk take the PTE
# lock even for an entry it would find none (page_vma_mapped_walk() with
# PVMW_SYNC: map_pte()'s pte_offset_map_lock()), so it waits for a zap
# that holds the lock between its clear and its rmap removal, and
# try_to_unmap() returns with the folio unmapped (mm/rmap.c:
# try_to_unmap_one(): "if (flags & TTU_SYNC) pvmw.flags = PVMW_SYNC;").
# TTU_BATCH_FLUSH leaves the flush to try_to_unmap_flush(). Both flags
# act: with TTU_BATCH_FLUSH alone try_to_unmap() can return with the folio
# still mapped (try_to_unmap_without_ttu_sync.mms).

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
  try_to_unmap(fp, TTU_BATCH_FLUSH | TTU_SYNC)
  mapped = folio_mapped(fp)
  folio_unlock(fp)
  try_to_unmap_flush()
  assert !mapped, "try_to_unmap() returned with the folio still mapped"
}

expect ok always
