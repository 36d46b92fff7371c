# Rule pgtable/change-needs-ptl: changing an entry needs its table's lock.
# The pte handle outlives pte_unmap_unlock; clearing through it afterwards
# races with every other PTE-lock holder. Rule book 1.4, 6.4.

mm m
vma v = mmap(m, 0x900000, pages=1, prot=rw)
touch(m, 0x900000, write)

thread t {
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x900000)
  pte_unmap_unlock(pt)
  page old = ptep_get_and_clear(pt)
  flush_tlb_range(v, 0x900000, pages=1)
  put_page(old)
  mmap_read_unlock(m)
}

expect violation "pgtable/change-needs-ptl" at 13
