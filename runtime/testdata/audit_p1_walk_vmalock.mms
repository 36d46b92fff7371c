# Audit probe p1 (audit-2026-12.md §1 row 20, §6 fix 4): walk_page_range
# with PGWALK_VMA_RDLOCK_VERIFY holding only a VMA lock. The kernel's
# walk_page_range_mm() looks the VMA up with find_vma(), which does
# mmap_assert_locked() whatever the walk_lock: a WARN. The VMA lock is
# verified (vma_assert_locked, debug kernels) only by walk_page_vma().

mm m
mmap(m, 0x100000, pages=4, prot=rw)
touch(m, 0x100000, write)
thread t {
  vma v = lock_vma_under_rcu(m, 0x100000)
  if v {
    walk_page_range(m, 0x100000, 0x104000, lock=vma_rdlock_verify)
    vma_end_read(v)
  }
  mmap_read_lock(m)  # the mmap lock, but no VMA lock
  walk_page_range(m, 0x100000, 0x104000, lock=vma_rdlock_verify)
  mmap_read_unlock(m)
}
expect violation "walk_page_range/walk-lock: walk_page_range (PGWALK_VMA_RDLOCK_VERIFY) without m->mmap_lock held" at 13
expect violation "walk_page_range/vma-not-locked" at 17
