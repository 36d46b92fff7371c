# Rule walk_page_range/vma-not-write-locked: with PGWALK_WRLOCK_VERIFY the
# caller must have write-locked every VMA walked (vma_assert_write_locked,
# a debug-kernel warning). Rule book 2.21.

mm m
vma a = mmap(m, 0x400000, pages=1, prot=rw)
vma b = mmap(m, 0x500000, pages=1, prot=rw)

ops walker {
  pte_entry(addr, pfn) {}
}

thread t {
  mmap_write_lock(m)
  vma_start_write(a)
  walk_page_range(m, 0x400000, 0x401000, ops=walker, lock=wrlock_verify)  # fine
  walk_page_range(m, 0x500000, 0x501000, ops=walker, lock=wrlock_verify)
  mmap_write_unlock(m)
}

expect violation "walk_page_range/vma-not-write-locked" at 17
