# Q: How does a driver zap what it installed in its VM_MIXEDMAP or
#    VM_PFNMAP VMA, or a whole VMA, on a 2026 kernel?
# A: zap_special_vma_range(vma, address, size), zap_vma_ptes()'s new name,
#    which since 5c090b0a8774 ("mm/memory: support VM_MIXEDMAP in
#    zap_special_vma_range()") also zaps a VM_MIXEDMAP range; and zap_vma(vma)
#    (zap_vma_pages() in 6.18) for the whole VMA, as lib/vdso/datastore.c:
#    vdso_join_timens() does under the mmap read lock. Each zap needs the
#    VMA stable: the mmap lock (read is enough), its VMA lock or an rmap
#    lock.

mm m
file dev
page p = alloc_page()
page q = alloc_page()

vma mixed = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, vm=mixedmap)
vma other = mmap(m, 0x400000, pages=1, prot=rw, flags=shared, file=dev, vm=mixedmap)

thread driver {
  mmap_read_lock(m)
  assert vm_insert_page(mixed, 0x100000, p) == 0
  assert vm_insert_page(other, 0x400000, q) == 0
  assert zap_special_vma_range(mixed, 0x100000, 0x2000) == 1
  assert zap_vma(other) == 1
  assert zap_vma_pages(other) == 0
  mmap_read_unlock(m)
}

expect ok
