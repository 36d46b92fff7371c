# Q: Is the VMA lock enough for a walk_page_vma() in PGWALK_RDLOCK mode?
# A: No: PGWALK_RDLOCK asserts the mmap lock (process_mm_walk_lock() ->
#    mmap_assert_locked(), a WARN on every kernel). A walker that holds only
#    the VMA lock must say so with PGWALK_VMA_RDLOCK_VERIFY
#    (mm/pagewalk.c; rule book 2.21). walk_page_range_vma() has the same rules.

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw)

thread user {
  assert touch(m, 0x101000, write)
}

thread walker {
  vma locked = lock_vma_under_rcu(m, 0x100000)
  if locked {
    walk_page_vma(locked, nil, rdlock)
    walk_page_range_vma(locked, 0x100000, 0x101000, nil, rdlock)
    vma_end_read(locked)
  }
}

expect violation "walk_page_vma/walk-lock" at 17
expect violation "walk_page_vma/walk-lock" at 18
