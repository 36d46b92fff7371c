# Symmetry reduction (interp/symmetry.go) with PMD words in script values:
# two fault threads read the PMD entry (pmdp_get_lockless: a PTE table's
# number, or 0) before they fault their pages in and compare it with the
# entry after, while munmap frees the table. A PMD word names a page table,
# never a declared page, so the symmetry leaves it as it is; the
# equivariance test (TestRenamingIsEquivariant) checks that this is right.

mm m
file dev
vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, vm=mixedmap)
page p1
page p2

func fault(addr, p) {
  mmap_read_lock(m)
  vma x = vma_lookup(m, addr)
  if x { vm_insert_page(x, addr, p) }
  mmap_read_unlock(m)
}

thread fault1 {
  d = pmdp_get_lockless(m, 0x100000)
  fault(0x100000, p1)
  assert d == 0 || pmd_same(d, pmdp_get_lockless(m, 0x100000)), "the PTE table stays"
}

thread fault2 {
  d = pmdp_get_lockless(m, 0x100000)
  fault(0x100000, p2)
  assert d == 0 || pmd_same(d, pmdp_get_lockless(m, 0x100000)), "the PTE table stays"
}

thread unmapper {
  munmap(m, 0x100000, pages=1)
}

expect error "the PTE table stays" sometimes
