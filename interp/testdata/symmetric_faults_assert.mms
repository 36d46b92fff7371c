# Symmetry reduction (interp/symmetry.go) with a finding in the symmetric
# threads' own code: three fault threads run the same code on pages of
# their own at one address, and each asserts that its page is the one
# mapped, which fails for the threads that lose the race for the PTE; a
# zapper may clear it in between. The finding is one per thread (its
# assert's position): under the symmetry the search reports those of the
# threads it explored, which stand for the others (canonicalFindingKey).

mm m
file dev
vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, vm=mixedmap)
page p1
page p2
page p3

func fault(addr, p) {
  mmap_read_lock(m)
  vma x = vma_lookup(m, addr)
  if x { vm_insert_page(x, addr, p) }
  mmap_read_unlock(m)
}

thread fault1 {
  fault(0x100000, p1)
  assert p1.mapcount == 1, "my page is mapped"
}
thread fault2 {
  fault(0x100000, p2)
  assert p2.mapcount == 1, "my page is mapped"
}
thread fault3 {
  fault(0x100000, p3)
  assert p3.mapcount == 1, "my page is mapped"
}

thread zapper {
  mmap_read_lock(m)
  zap_vma_range(v, 0x100000, pages=1)
  mmap_read_unlock(m)
}

expect error "my page is mapped" sometimes
