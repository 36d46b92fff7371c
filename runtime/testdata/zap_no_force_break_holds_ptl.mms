# munmap() of 10 pages of one PTE table, as in zap_force_break_drops_ptl.mms
# but with the mmu_gather's batch allocation succeeding: the zap holds the
# PTE lock from the first entry to the last (mm/memory.c: zap_pte_range()
# breaks only when __tlb_remove_folio_pages() finds the batch full), so
# no thread taking the lock sees the table half zapped.

mm m
vma v = mmap(m, 0x400000, pages=10, prot=rw, flags=private | anonymous)
for i in 0..10 {
  touch(m, 0x400000 + i * PAGE_SIZE, write)
}

thread unmapper {
  munmap(m, 0x400000, pages=10)
}

thread observer {
  mmap_read_lock(m)
  midway = false
  pte first = pte_offset_map_lock(m, 0x400000)
  if first {
    zapped = !first.present
    pte_unmap_unlock(first)
    pte last = pte_offset_map_lock(m, 0x409000)
    if last {
      midway = zapped && last.present
      pte_unmap_unlock(last)
    }
  }
  mmap_read_unlock(m)
  assert !midway, "munmap's zap dropped the PTE lock mid-table"
}

expect ok always
