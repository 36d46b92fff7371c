# Rule walk_page_range/walk-lock: the walker asserts the lock its
# walk_lock declares: the mmap read lock for PGWALK_RDLOCK, the write lock
# for PGWALK_WRLOCK. Rule book 2.21.

mm m
mmap(m, 0x400000, pages=4, prot=rw)
touch(m, 0x400000, write)

thread t {
  walk_page_range(m, 0x400000, 0x404000)
  mmap_read_lock(m)
  walk_page_range(m, 0x400000, 0x404000, lock=wrlock)
  assert walk_page_range(m, 0x400000, 0x404000) == 1
  mmap_read_unlock(m)
}

expect violation "walk_page_range/walk-lock: walk_page_range (PGWALK_RDLOCK) without m->mmap_lock held" at 10
expect violation "walk_page_range/walk-lock: walk_page_range (wrlock) without m->mmap_lock held for write" at 12
expect violation "walk_page_range/walk-lock: walk_page_range: vma[0x400000-0x404000] needs m->mmap_lock held for write" at 12
