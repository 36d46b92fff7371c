# Rule vma_lookup/unstable-result: vma_lookup() asserts nothing, but what
# it returns is only meaningful under the mmap lock. Rule book 2.14.

mm m
mmap(m, 0x500000, pages=4, prot=rw)

thread t {
  vma a = vma_lookup(m, 0x500000)
  mmap_read_lock(m)
  vma b = vma_lookup(m, 0x500000)
  assert b == a
  mmap_read_unlock(m)
}

expect violation "vma_lookup/unstable-result" at 8
