# Q: May I call unmap_mapping_folio() without the folio lock?
# A: No: the lock is what stops the folio from being faulted back in or
#    freed while its mappings are zapped; CONFIG_DEBUG_VM kernels BUG
#    (mm/memory.c: unmap_mapping_folio() VM_BUG_ON(!folio_test_locked())).

mm m
file data
mmap(m, 0x100000, pages=2, prot=r, flags=shared, file=data)
touch(m, 0x100000, read)

thread truncate {
  mmap_read_lock(m)
  pte e = pte_offset_map_lock(m, 0x100000)
  page pg = pfn_to_page(e.pfn)
  pte_unmap_unlock(e)
  mmap_read_unlock(m)
  unmap_mapping_folio(pg)
}

expect violation "unmap_mapping_folio/folio-not-locked" at 17
