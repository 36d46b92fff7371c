# Q: What goes wrong if a walker reads the PTE and calls vm_normal_folio()
#    after dropping the PTE lock, or uses the folio after its last
#    folio_put()?
# A: A zap (MADV_DONTNEED, here) may clear the entry and free the page in
#    between: the walker gets, or keeps using, a folio that is free and may
#    be reallocated. The kernel checks neither: vm_normal_folio() trusts
#    the value it is given, and a reference taken on a freed folio is
#    caught only by CONFIG_DEBUG_VM (VM_BUG_ON_FOLIO in folio_get()).
#    The fixed form: vm_normal_folio_under_pte_lock.mms.

mm m
vma v = mmap(m, 0x100000, pages=1, prot=rw)

thread walker {
  assert touch(m, 0x100000, write)
  mmap_read_lock(m)
  pte = pte_offset_map_lock(m, 0x100000)
  assert pte
  entry = ptep_get(pte)
  pte_unmap_unlock(pte)
  folio = vm_normal_folio(v, 0x100000, entry)
  page = vm_normal_page(v, 0x100000, entry)
  mmap_read_unlock(m)
  assert folio
  folio_get(folio)
  folio_put(folio)
  mmap_read_lock(m)
  zap_vma_range(v, 0x100000, pages=1)  # the last reference: the folio is freed
  mmap_read_unlock(m)
  folio_get(folio)
  folio_put(folio)
}

expect violation "vm_normal_page/unstable-entry" at 21
expect violation "vm_normal_page/unstable-entry" at 22
expect violation "get_page/freed-page" at 30
expect violation "put_page/freed-page" at 31
