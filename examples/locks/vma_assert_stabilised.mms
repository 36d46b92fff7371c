# Q: What keeps a VMA stable for vma_assert_stabilised()?
# A: The mmap lock of its mm (read is enough) or the VMA's own lock
#    (include/linux/mmap_lock.h: vma_assert_stabilised(), mainline; not in
#    6.18). A thread that looked the VMA up under the mmap read lock and
#    dropped it holds nothing: munmap may detach and free the VMA.

mm m
vma v = mmap(m, 0x200000, pages=2, prot=rw)

thread t {
  mmap_read_lock(m)
  vma w = vma_lookup(m, 0x200000)
  mmap_read_unlock(m)
  vma_assert_stabilised(w)
}

expect violation "vma_assert_stabilised/not-stabilised" at 14
