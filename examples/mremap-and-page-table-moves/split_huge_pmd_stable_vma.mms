# Q: What must a caller of split_huge_pmd() and split_huge_pmd_locked()
#    hold?
# A: split_huge_pmd(vma, pmd, addr) needs the VMA stable (the mmap lock,
#    the VMA read lock or an rmap lock) and may sleep: it starts an
#    mmu-notifier invalidation, then takes the PMD lock itself.
#    split_huge_pmd_locked() is its body: the caller holds the PMD lock,
#    inside an invalidation it started, and passes the PMD-aligned address
#    (__split_huge_pmd; try_to_unmap_one and try_to_migrate_one call it
#    that way from the rmap walk). Without a huge PMD both do nothing.

mm m
vma v = mmap(m, 0x400000, pages=512, prot=rw)
touch(m, 0x400000, write)

thread splitter {
  mmap_read_lock(m)
  split_huge_pmd(v, 0x400000)
  range = mmu_notifier_range_init(clear, 0, m, 0x400000, 0x600000)
  mmu_notifier_invalidate_range_start(range)
  ptl = pmd_lock(m, 0x400000)
  split_huge_pmd_locked(v, 0x400000)
  spin_unlock(ptl)
  mmu_notifier_invalidate_range_end(range)
  mmap_read_unlock(m)
}

expect ok
