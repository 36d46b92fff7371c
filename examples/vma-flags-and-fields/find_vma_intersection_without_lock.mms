# Q: May I call find_vma_intersection() without the mmap lock?
# A: No: it asserts the mmap lock (mmap_assert_locked(): a lockdep splat,
#    or a WARN when nobody holds the lock), and the VMA it returns may be
#    freed by a concurrent munmap. (mm/mmap.c: find_vma_intersection())

mm m
vma v = mmap(m, 0x200000, pages=2, prot=rw)

thread t {
  w = find_vma_intersection(m, 0x200000, 0x201000)
}

expect violation "find_vma/needs-mmap-lock" at 10
