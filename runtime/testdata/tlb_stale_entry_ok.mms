# The fixed tlb_stale_entry.mms: flush_tlb_range before put_page; the next
# access faults in a fresh page. Rule book 2.8, 2.40.

mm m
vma v = mmap(m, 0x900000, pages=1, prot=rw)

thread t {
  assert touch(m, 0x900000, write)
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x900000)
  page old = ptep_get_and_clear(pt)
  flush_tlb_range(v, 0x900000, pages=1)
  pte_unmap_unlock(pt)
  put_page(old)
  mmap_read_unlock(m)
  assert touch(m, 0x900000, write)
}

expect ok
