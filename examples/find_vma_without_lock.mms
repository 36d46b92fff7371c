# Q: Can I look a VMA up without the mmap lock?
# A: find_vma asserts mmap_assert_locked(): a lockdep splat, and the VMA may
#    be freed under you. vma_lookup has no assertion, but the same race.

mm m
mmap(m, 0x500000, pages=4, prot=rw)

thread t {
  vma a = find_vma(m, 0x500000)
  vma b = vma_lookup(m, 0x500000)
}

expect violation "find_vma/needs-mmap-lock" at 9
expect violation "vma_lookup/unstable-result" at 10
