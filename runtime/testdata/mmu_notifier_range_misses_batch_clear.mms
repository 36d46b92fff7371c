# get_and_clear_full_ptes() clears entries a subscriber must drop as
# surely as ptep_get_and_clear() does: inside an invalidation whose range
# misses them, mmu_notifier_range_init/misses-change (once per call, at
# the first present entry outside). The entries are put back (set_ptes)
# and flushed under the PTL, so nothing else is wrong.

mm m
vma v = mmap(m, 0x300000, pages=2, prot=rw, flags=private)
touch(m, 0x301000, write)

thread t {
  mmap_read_lock(m)
  range = mmu_notifier_range_init(clear, 0, m, 0x300000, 0x301000)
  mmu_notifier_invalidate_range_start(range)
  pte pt = pte_offset_map_lock(m, 0x301000)
  ptes = get_and_clear_full_ptes(pt, 1)
  set_ptes(pt, ptes)
  flush_tlb_range(v, 0x301000, pages=1)
  pte_unmap_unlock(pt)
  mmu_notifier_invalidate_range_end(range)
  mmap_read_unlock(m)
}

thread covered {
  mmap_read_lock(m)
  range = mmu_notifier_range_init(clear, 0, m, 0x300000, 0x302000)
  mmu_notifier_invalidate_range_start(range)
  pte pt = pte_offset_map_lock(m, 0x301000)
  ptes = get_and_clear_full_ptes(pt, 1)
  set_ptes(pt, ptes)
  flush_tlb_range(v, 0x301000, pages=1)
  pte_unmap_unlock(pt)
  mmu_notifier_invalidate_range_end(range)
  mmap_read_unlock(m)
}

expect violation "mmu_notifier_range_init/misses-change" at 16
