# A vma_iterator is one thread's in the kernel (VMA_ITERATOR on the
# stack), but a script may share one through a global: then one thread's
# vma_iter_set() and another's vma_next() do not commute, and the search
# must try both orders. It tried one (their footprints named nothing in
# common) and reported the assertion in every execution; the struct is
# now an object of its maker (runtime/owned.go).

mm m
vma v0 = mmap(m, 0x100000, pages=1, prot=rw, flags=private)
vma v1 = mmap(m, 0x110000, pages=1, prot=rw, flags=private)
VMA_ITERATOR(vi, m, 0)

thread setter {
  vma_iter_set(&vi, 0x110000)
}

thread walker {
  mmap_read_lock(m)
  vma x = vma_next(&vi)
  mmap_read_unlock(m)
  assert x == v0
}

expect error "assert" sometimes
expect ok sometimes
