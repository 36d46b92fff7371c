# Rule pgtable/install-needs-mmap-or-vma-lock: installing a PTE needs the
# mmap lock or the VMA lock; an rmap lock (i_mmap_rwsem) keeps the VMA
# stable but is not enough, because munmap's window between unmap_vmas()
# and free_pgtables() would lose (leak) the entry. Rule book 1.4, 2.1, 6.3.

mm m
file dev
vma v = mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=dev, vm=mixedmap)

thread t {
  page p = alloc_page()
  i_mmap_lock_read(dev)
  vm_insert_page(v, 0x100000, p)
  i_mmap_unlock_read(dev)
}

expect violation "pgtable/install-needs-mmap-or-vma-lock" at 13
