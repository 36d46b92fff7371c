# Q: Can I walk one VMA's page tables holding only its per-VMA lock?
# A: Yes, with walk_page_vma() and ops->walk_lock = PGWALK_VMA_RDLOCK_VERIFY:
#    that mode asserts the VMA lock (vma_assert_locked) and no mmap lock, as
#    madvise's per-VMA-lock walks do. pte_entry runs under each PTE table's
#    lock and must not sleep. If lock_vma_under_rcu() fails, fall back to the
#    mmap read lock and PGWALK_RDLOCK (mm/pagewalk.c; rule book 2.21).

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw)

ops counter_vma_locked {  # const struct mm_walk_ops { .pte_entry, .walk_lock }
  pte_entry(addr, pfn) {
    return 0
  }
}
counter_vma_locked.walk_lock = PGWALK_VMA_RDLOCK_VERIFY

ops counter {  # .walk_lock = PGWALK_RDLOCK, the default
  pte_entry(addr, pfn) {
    return 0
  }
}

thread user {
  assert touch(m, 0x101000, write)
}

thread walker {
  vma locked = lock_vma_under_rcu(m, 0x100000)
  if locked {
    walk_page_vma(locked, &counter_vma_locked, NULL)
    vma_end_read(locked)
  } else {
    mmap_read_lock(m)
    walk_page_range_vma(v, 0x100000, 0x102000, &counter, NULL)
    mmap_read_unlock(m)
  }
}

expect ok
