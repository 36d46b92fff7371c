# Q: May I call folio_walk_start() without the mmap lock, or pass
#    FW_VMA_LOCKED while holding only the mmap lock?
# A: No. Without FW_VMA_LOCKED it asserts the mmap lock
#    (mmap_assert_locked(): WARN, or lockdep when another task holds it);
#    with FW_VMA_LOCKED it asserts the VMA lock (vma_assert_locked(), debug
#    kernels), which the mmap read lock is not. And folio_walk_end() only
#    after a folio_walk_start() that found a folio: when it returns NULL it
#    holds nothing, and folio_walk_end() would spin_unlock() a lock nobody
#    holds (mm/pagewalk.c: folio_walk_start(); include/linux/pagewalk.h:
#    folio_walk_end()).

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)
touch(m, 0x100000, write)

thread unlocked {
  page p = folio_walk_start(v, 0x100000)
  if p {
    folio_walk_end(v, 0x100000)
  }
}

thread wrong_flag {
  mmap_read_lock(m)
  page q = folio_walk_start(v, 0x100000, FW_VMA_LOCKED)
  if q {
    folio_walk_end(v, 0x100000)
  }
  mmap_read_unlock(m)
}

thread not_found {
  mmap_read_lock(m)
  page r = folio_walk_start(v, 0x101000)
  folio_walk_end(v, 0x101000)
  mmap_read_unlock(m)
}

expect violation "folio_walk_start/needs-mmap-lock" at 17 always
expect violation "folio_walk_start/vma-not-locked" at 25 always
expect violation "lock/unlock-not-held" at 35 always
