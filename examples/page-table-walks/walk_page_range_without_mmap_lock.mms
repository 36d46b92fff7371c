# Q: May I call walk_page_range() without the mmap lock, or in write mode
#    with only the read lock?
# A: No: every mode asserts the mmap lock (mm/pagewalk.c:
#    process_mm_walk_lock(): mmap_assert_locked() for PGWALK_RDLOCK,
#    mmap_assert_write_locked() for PGWALK_WRLOCK and PGWALK_WRLOCK_VERIFY),
#    a WARN on every kernel; without it munmap may free the VMAs and tables
#    being walked. walk_page_range() cannot use the VMA lock alone: it
#    looks VMAs up with find_vma().

mm m
mmap(m, 0x100000, pages=2, prot=rw)

thread walker {
  walk_page_range(m, 0x100000, 0x102000, lock=rdlock)
  mmap_read_lock(m)
  walk_page_range(m, 0x100000, 0x102000, lock=wrlock)
  mmap_read_unlock(m)
}

expect violation "walk_page_range/walk-lock" at 14
expect violation "walk_page_range/walk-lock" at 16
