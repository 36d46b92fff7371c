# Q: Which lock does madvise(MADV_DONTNEED) take, and does it exclude a
#    concurrent fault?
# A: The VMA read lock only (get_lock_mode(): MADVISE_VMA_READ_LOCK, with
#    the mmap read lock when the range is not within one VMA), like the
#    fault it races with: both zap or fill PTEs under the PTE lock, so they
#    serialise per table and never deadlock. A flag behaviour such as
#    MADV_DONTFORK takes the mmap write lock and write-locks the VMA
#    instead. (mm/madvise.c: get_lock_mode(), try_vma_read_lock(),
#    madvise_walk_vmas())

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread user {
  touch(m, 0x100000, write)
}

thread dontneed {
  assert madvise(m, 0x100000, 2 * PAGE_SIZE, MADV_DONTNEED) == 0
}

thread dontfork {
  assert madvise(m, 0x101000, PAGE_SIZE, MADV_DONTFORK) == 0
}

expect ok
