# Q: Clearing PTEs by hand inside an mmu_notifier invalidation: what must
#    the range given to mmu_notifier_range_init() be?
# A: It must cover every entry changed between
#    mmu_notifier_invalidate_range_start() and _end(): subscribers (KVM,
#    HMM, IOMMU SVA) tear down their secondary mappings of [start, end)
#    only ("the establishment of sptes is forbidden in the range passed to
#    invalidate_range_start/end for the whole duration of the
#    invalidate_range_start/end critical section", include/linux/
#    mmu_notifier.h). The PTL is taken after _start(), which may sleep,
#    and dropped before _end().

mm m
vma v = mmap(m, 0x600000, pages=2, prot=rw, flags=private)

thread t {
  assert touch(m, 0x601000, write)
  mmap_read_lock(m)
  range = mmu_notifier_range_init(clear, 0, m, 0x600000, 0x602000)
  mmu_notifier_invalidate_range_start(range)
  pte pt = pte_offset_map_lock(m, 0x601000)
  page old = ptep_get_and_clear(pt)
  flush_tlb_range(v, 0x601000, pages=1)
  pte_unmap_unlock(pt)
  mmu_notifier_invalidate_range_end(range)
  if old { put_page(old) }
  mmap_read_unlock(m)
}

expect ok
