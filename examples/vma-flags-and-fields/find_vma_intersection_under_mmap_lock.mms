# Q: How do I find the VMA overlapping a range?
# A: find_vma_intersection() under the mmap lock (read is enough), held
#    for as long as the VMA is used: it asserts the lock
#    (mmap_assert_locked()). (mm/mmap.c: find_vma_intersection())

mm m
vma v = mmap(m, 0x200000, pages=2, prot=rw)

thread t {
  mmap_read_lock(m)
  w = find_vma_intersection(m, 0x1ff000, 0x201000)
  assert w && w.vm_start == 0x200000
  assert !find_vma_intersection(m, 0x100000, 0x200000)
  mmap_read_unlock(m)
}

expect ok
