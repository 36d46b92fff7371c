# Symmetry reduction (interp/symmetry.go) of threads whose own bodies do
# the work: three fault threads run the same statements on pages of their
# own, written out in each body rather than called from a function, so
# that the positions of their locks, calls and waits are at different
# lines; the zapper and munmap race with them. Exchanging two fault
# threads with their pages is an automorphism once the positions inside
# their bodies are exchanged too (symState's position renaming).

mm m
file dev
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, vm=mixedmap)
page p1
page p2
page p3

thread fault1 {
  mmap_read_lock(m)
  vma x = vma_lookup(m, 0x100000)
  if x { vm_insert_page(x, 0x100000, p1) }
  mmap_read_unlock(m)
}

thread fault2 {
  mmap_read_lock(m)
  vma x = vma_lookup(m, 0x100000)
  if x { vm_insert_page(x, 0x100000, p2) }
  mmap_read_unlock(m)
}

thread fault3 {
  mmap_read_lock(m)
  vma x = vma_lookup(m, 0x100000)
  if x { vm_insert_page(x, 0x100000, p3) }
  mmap_read_unlock(m)
}

thread zapper {
  mmap_read_lock(m)
  vma z = vma_lookup(m, 0x100000)
  if z { zap_vma_range(z, 0x100000, pages=1) }
  mmap_read_unlock(m)
}

thread unmapper {
  munmap(m, 0x100000, pages=2)
  assert p1.mapcount == 0 && p2.mapcount == 0 && p3.mapcount == 0, "no PTE left after munmap"
}

expect ok always
