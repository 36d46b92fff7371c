# The fixed version of tlb_flush_missing.mms: flush the TLB range, then free
# the page. Until the flush the user may still reach the old page, which is
# harmless while it is alive; after it, the next access faults.

mm m
vma v = mmap(m, 0x900000, pages=1, prot=rw)

thread user {
  assert touch(m, 0x900000, write)
  repeat 6 { msleep(1) }
  assert touch(m, 0x900000, write)
}

thread reclaim {
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x900000)
  if pt {                            # nil: no PTE table (nothing mapped yet)
    page old = ptep_get_and_clear(pt)
    flush_tlb_range(v, 0x900000, pages=1)
    pte_unmap_unlock(pt)
    if old { put_page(old) }
  }
  mmap_read_unlock(m)
}

expect ok
