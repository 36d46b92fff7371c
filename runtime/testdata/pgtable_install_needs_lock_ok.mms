# The correct forms for pgtable_install_needs_lock.mms: the VMA read lock
# (or the mmap lock) allows installing into a VM_MIXEDMAP VMA.
# Rule book 2.1, 2.19, 6.7.

mm m
file dev
vma v = mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=dev, vm=mixedmap)

thread vmalock {
  page p = alloc_page()
  vma r = lock_vma_under_rcu(m, 0x100000)
  assert r
  assert vm_insert_page(r, 0x100000, p) == 0
  vma_end_read(r)
}

thread mmaplock {
  page p = alloc_page()
  mmap_read_lock(m)
  assert vm_insert_page(v, 0x101000, p) == 0
  mmap_read_unlock(m)
}

expect ok
