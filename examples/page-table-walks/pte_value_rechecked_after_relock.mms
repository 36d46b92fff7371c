# Q: How does a page-table walker that dropped the PTE lock (to allocate
#    or sleep) and took it again go on with the PTE value it read before?
# A: It reads the entry again under the new hold and compares, as
#    wp_page_copy() (mm/memory.c) does: "Re-check the pte - we dropped the
#    lock ... pte_same(ptep_get(vmf->pte), vmf->orig_pte)". Equal, the old
#    value is current again; otherwise it backs off (rule
#    pgtable/stale-value).

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
      if pte_same(ptep_get(pte), orig) {
        page = pfn_to_page(orig)
      }
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

expect ok
