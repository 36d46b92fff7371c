# Q: Is the mmap read lock enough for walk_page_range_debug()?
# A: No: munmap detaches the VMAs under the write lock, then downgrades to
#    the read lock to free their page tables, so a reader may walk tables
#    being freed where no VMA is left. walk_page_range_debug() asserts the
#    write lock, a WARN on every kernel (mm/pagewalk.c:
#    walk_page_range_debug() -> mmap_assert_write_locked(mm)).

mm m
mmap(m, 0x100000, pages=2, prot=rw)
touch(m, 0x100000, write)

thread dumper {
  mmap_read_lock(m)
  walk_page_range_debug(m, 0x100000, 0x102000)
  mmap_read_unlock(m)
}

thread unmapper {
  munmap(m, 0x100000, pages=2)
}

expect violation "walk_page_range_debug/needs-mmap-write-lock" at 14 always
