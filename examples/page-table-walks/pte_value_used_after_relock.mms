# Q: A page-table walker reads a PTE under the PTE lock, drops the lock to
#    allocate or sleep, and takes it again. May it still act on the value
#    it read?
# A: Not before re-checking it: while the lock was dropped another thread
#    (here a MADV_DONTNEED zap) may have cleared the entry and freed the
#    page. wp_page_copy() (mm/memory.c) takes the lock again and compares:
#    "Re-check the pte - we dropped the lock ... pte_same(ptep_get(vmf->pte),
#    vmf->orig_pte)" (rule pgtable/stale-value).

mm m
vma v = mmap(m, 0x100000, pages=1, prot=rw)

thread user {
  touch(m, 0x100000, write)
}

thread walker {
  mmap_read_lock(m)
  pte = pte_offset_map_lock(m, 0x100000)
  if pte {
    orig = ptep_get(pte)
    pte_unmap_unlock(pte)
    might_sleep()  # the allocation of wp_page_copy()
    pte = pte_offset_map_lock(m, 0x100000)
    if pte {
      page = pfn_to_page(orig)
      pte_unmap_unlock(pte)
    }
  }
  mmap_read_unlock(m)
}

thread zapper {
  mmap_read_lock(m)
  zap_vma_range(v, 0x100000, pages=1)
  mmap_read_unlock(m)
}

expect violation "pgtable/stale-value" at 26 sometimes
