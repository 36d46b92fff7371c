# Q: After clearing a PTE, when must the TLB be flushed?
# A: Before the page can be freed or reused: until then other CPUs may still
#    use the old translation (mm/mmu_gather.c: tlb_finish_mmu() flushes
#    before it frees). Nothing in the kernel catches a missing flush.

mm m
vma v = mmap(m, 0x900000, pages=1, prot=rw)

thread user {
  assert touch(m, 0x900000, write)   # this CPU caches the translation
  msleep(1)
  msleep(1)
  touch(m, 0x900000, write)          # and uses it again
}

thread reclaim {
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x900000)
  ptep_get_and_clear(pt)             # the page is unmapped and freed...
  pte_unmap_unlock(pt)               # ...but no flush_tlb_range
  mmap_read_unlock(m)
}

expect violation "tlb/stale-entry" at 13
