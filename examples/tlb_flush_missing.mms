# Q: After clearing a PTE, when may the page be freed?
# A: Only after the TLB flush: until then other CPUs may still use the old
#    translation (mm/mmu_gather.c: tlb_finish_mmu() flushes, then frees).
#    Nothing in the kernel catches a page freed before the flush.

mm m
vma v = mmap(m, 0x900000, pages=1, prot=rw)

thread user {
  assert touch(m, 0x900000, write)  # this CPU caches the translation
  repeat 6 { msleep(1) }            # meanwhile reclaim runs
  touch(m, 0x900000, write)         # and uses it again
}

thread reclaim {
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x900000)
  if pt {  # nil: no PTE table (nothing mapped yet)
    page old = ptep_get_and_clear(pt)
    pte_unmap_unlock(pt)
    if old { put_page(old) }  # freed, but no flush_tlb_range first
  }
  mmap_read_unlock(m)
}

expect violation "tlb/stale-entry" at 12
# Dropping the PTE lock with the cleared entry unflushed is already a bug
# (60bae7370896): a racing zap finds the entry none and returns unflushed.
expect violation "tlb/flush-before-ptl-drop" at 20 sometimes
