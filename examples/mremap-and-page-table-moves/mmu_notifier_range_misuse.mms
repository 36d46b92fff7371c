# Q: Where may mmu_notifier_invalidate_range_start() be called?
# A: Outside any spinlock: it may sleep (might_sleep(); subscribers such
#    as KVM or a GPU driver block until their secondary TLBs are clean),
#    so the PTE and PMD locks are taken after it and dropped before _end().
#    Every _end() closes a range its _start() opened.

mm m
mmap(m, 0x400000, pages=4, prot=rw)
touch(m, 0x400000, write)

thread underptl {
  mmap_read_lock(m)
  range = mmu_notifier_range_init(clear, 0, m, 0x400000, 0x404000)
  pt = pte_offset_map_lock(m, 0x400000)
  mmu_notifier_invalidate_range_start(range)
  pte_unmap_unlock(pt)
  mmu_notifier_invalidate_range_end(range)
  mmap_read_unlock(m)
}

thread unbalanced {
  range = mmu_notifier_range_init(clear, 0, m, 0x400000, 0x404000)
  mmu_notifier_invalidate_range_end(range)
}

expect violation "lock/sleep-in-atomic" at 15
expect violation "mmu_notifier/unbalanced" at 23
expect single_run
