# Rule tlb/stale-entry: after clearing a PTE, flush the TLB before freeing
# the page; a CPU that cached the translation otherwise reaches freed
# memory. Here one thread does both, on one CPU, so the order is certain.
# Rule book 2.8 (tlb_finish_mmu flushes, then frees), 2.40, 6.4.

mm m
vma v = mmap(m, 0x900000, pages=1, prot=rw)

thread t {
  assert touch(m, 0x900000, write)  # caches the translation
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x900000)
  page old = ptep_get_and_clear(pt)
  pte_unmap_unlock(pt)
  put_page(old)  # freed before any flush
  mmap_read_unlock(m)
  touch(m, 0x900000, write)
}

expect violation "tlb/stale-entry" at 17
expect violation "tlb/flush-before-ptl-drop" at 14  # the PTE lock dropped before the flush (60bae7370896)
