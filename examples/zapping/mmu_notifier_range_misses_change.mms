# Q: Can the notifier range be narrower than the entries changed, say the
#    first page only?
# A: No. A subscriber drops its secondary mappings of [start, end) only,
#    so the entry cleared outside it stays mapped in the secondary MMU
#    (a KVM guest, a device), which goes on reaching the page after it is
#    freed (include/linux/mmu_notifier.h: "The VM will remove the page
#    table entries and potentially the page between
#    invalidate_range_start() and invalidate_range_end()"). Nothing in the
#    kernel checks that the range covers the change.

mm m
vma v = mmap(m, 0x600000, pages=2, prot=rw, flags=private)

thread t {
  assert touch(m, 0x601000, write)
  mmap_read_lock(m)
  range = mmu_notifier_range_init(clear, 0, m, 0x600000, 0x601000)  # one page
  mmu_notifier_invalidate_range_start(range)
  pte pt = pte_offset_map_lock(m, 0x601000)
  page old = ptep_get_and_clear(pt)  # the second page
  flush_tlb_range(v, 0x601000, pages=1)
  pte_unmap_unlock(pt)
  mmu_notifier_invalidate_range_end(range)
  if old { put_page(old) }
  mmap_read_unlock(m)
}

expect violation "mmu_notifier_range_init/misses-change" at 20
