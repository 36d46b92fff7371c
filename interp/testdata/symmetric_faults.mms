# Symmetry reduction (interp/symmetry.go): two fault threads that run the
# same code on pages of their own, at the same address (one maps its page,
# the other finds the PTE taken); munmap then checks that no page is left
# mapped. Exchanging fault1 and fault2 with p1 and p2 is an automorphism.

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

thread fault1 { fault(0x100000, p1) }
thread fault2 { fault(0x100000, p2) }

thread unmapper {
  munmap(m, 0x100000, pages=1)
  assert p2.mapcount == 0 && p1.mapcount == 0, "no PTE left after munmap"
}

expect ok always
