# Audit probe p2 (§1 row 18): anon_vma_prepare on a VMA that already has an
# anon_vma, without any lock. include/linux/rmap.h: anon_vma_prepare()
# returns 0 before __anon_vma_prepare() and its mmap_assert_locked(): the
# kernel says nothing. Only a VMA without an anon_vma reaches the assert.

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw)
vma w = mmap(m, 0x800000, pages=4, prot=r)
touch(m, 0x100000, write)
thread t {
  assert anon_vma_prepare(v) == 0
  assert v.anon_vma
  anon_vma_prepare(w)  # no anon_vma yet: the assertion runs
}
expect violation "anon_vma_prepare/needs-mmap-lock" at 13
