# The fixed version of tlb_flush_missing.mms: flush the TLB range while the
# PTE lock is still held, so no CPU can use the old translation once the page
# is freed. The user's next access faults in a fresh page.

mm m
vma v = mmap(m, 0x900000, pages=1, prot=rw)

thread user {
  assert touch(m, 0x900000, write)
  msleep(1)
  msleep(1)
  assert touch(m, 0x900000, write)
}

thread reclaim {
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x900000)
  ptep_get_and_clear(pt)
  flush_tlb_range(v, 0x900000, pages=1)
  pte_unmap_unlock(pt)
  mmap_read_unlock(m)
}

expect ok
