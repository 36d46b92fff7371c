# Q: I walk a VMA's page table and want the folio behind a PTE. Which lock
#    makes vm_normal_folio()'s answer good, and how long?
# A: The PTE lock, from the ptep_get() that read the entry to the use of
#    the folio; to keep the folio past pte_unmap_unlock(), take a reference
#    (folio_get) under the lock and folio_put() it when done, as
#    zap_pte_range() and follow_page_pte() do (mm/memory.c,
#    mm/gup.c). vm_normal_folio() checks nothing itself; it returns NULL
#    for a special entry: a VM_PFNMAP pfn, the zero page (__vm_normal_page()).
#    The broken form: vm_normal_folio_without_pte_lock.mms.

mm m
file dev

ops drv {
  mmap(file, vma) {
    return remap_pfn_range(vma, vma.vm_start, 0x80000, pages=1)
  }
}

vma v = mmap(m, 0x100000, pages=1, prot=rw)
vma io = mmap(m, 0x800000, pages=1, prot=rw, flags=shared, file=dev, ops=drv)

thread user {
  assert touch(m, 0x100000, write)
}

thread walker {
  mmap_read_lock(m)
  pte = pte_offset_map_lock(m, 0x100000)
  folio = nil
  if pte {
    folio = vm_normal_folio(v, 0x100000, ptep_get(pte))
    if folio {
      folio_get(folio)
    }
    pte_unmap_unlock(pte)
  }
  pte = pte_offset_map_lock(m, 0x800000)
  assert pte
  assert !vm_normal_page(io, 0x800000, ptep_get(pte)), "a VM_PFNMAP pfn has no normal page"
  pte_unmap_unlock(pte)
  mmap_read_unlock(m)
  if folio {
    assert folio.refcount >= 2
    folio_put(folio)
    # still mapped: a speculative reference succeeds (folio_try_get)
    if folio_try_get(folio) {
      folio_put(folio)
    }
  }
}

expect ok
