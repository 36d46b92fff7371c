# try_to_unmap_without_ttu_sync.mms with TTU_SYNC: the walk takes the PTE
# lock even for an entry it would find none (page_vma_mapped_walk() with
# PVMW_SYNC: map_pte()'s pte_offset_map_lock()), so it waits for a zap
# that holds the lock between its clear and its rmap removal, and
# try_to_unmap() returns with the folio unmapped (mm/rmap.c:
# try_to_unmap_one(): "if (flags & TTU_SYNC) pvmw.flags = PVMW_SYNC;").
# The flags are in mmscript's earlier string form, which still binds;
# try_to_unmap_batch_sync.mms passes them as the kernel does.

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
  try_to_unmap(fp, "TTU_SYNC")
  mapped = folio_mapped(fp)
  folio_unlock(fp)
  assert !mapped, "try_to_unmap() returned with the folio still mapped"
}

expect ok always
