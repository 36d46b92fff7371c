# Q: How do I walk the page tables of a range that spans several VMAs?
# A: walk_page_range() under the mmap lock, in the mode ops->walk_lock
#    names: PGWALK_RDLOCK with the read lock (mm/pagewalk.c:
#    walk_page_range() -> process_mm_walk_lock() -> mmap_assert_locked(), and
#    find_vma() asserts it whatever the mode). pte_entry runs under each PTE
#    table's lock, so it must not sleep.

mm m
mmap(m, 0x100000, pages=2, prot=rw)
mmap(m, 0x102000, pages=2, prot=r)

ops counter {
  pte_entry(addr, pfn) {
    return 0
  }
}

thread user {
  assert touch(m, 0x101000, write)
}

thread walker {
  mmap_read_lock(m)
  walk_page_range(m, 0x100000, 0x104000, &counter, NULL)  # counter.walk_lock: PGWALK_RDLOCK
  mmap_read_unlock(m)
}

expect ok
