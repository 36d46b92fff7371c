# Q: How do I read-lock two VMAs at once when I already hold the mmap lock,
#    as UFFDIO_MOVE does for its source and destination?
# A: Under the mmap read lock, vma_start_read_locked() and, for the second
#    VMA, vma_start_read_locked_nested(vma, SINGLE_DEPTH_NESTING)
#    (include/linux/mmap_lock.h; process_addrs.rst "VMA lock internals":
#    they "do not fail due to lock contention but the caller should still
#    check their return values"). Both assert the mmap lock
#    (mmap_assert_locked()); once taken, the mmap lock may be dropped and
#    the VMA read locks keep both VMAs stable until vma_end_read().

mm m
vma dst = mmap(m, 0x100000, pages=1, prot=rw)
vma src = mmap(m, 0x200000, pages=1, prot=rw)

thread mover {
  mmap_read_lock(m)
  assert vma_start_read_locked(dst)
  assert vma_start_read_locked_nested(src, 1)
  mmap_read_unlock(m)
  assert src.vm_start == 0x200000
  vma_end_read(src)
  vma_end_read(dst)
}

expect ok
