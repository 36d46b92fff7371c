# Q: Is a PTE value re-checked if the walker compares it with the entry
#    before it takes the PTE lock again?
# A: No: the comparison must be made under the hold of the lock the value
#    is then used under. Compared locklessly, the entry can still be zapped
#    between the comparison and spin_lock; wp_page_copy() (mm/memory.c)
#    takes the lock first, then pte_same(ptep_get(vmf->pte), vmf->orig_pte)
#    (rule pgtable/stale-value).

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
    pte = pte_offset_map(m, 0x100000)
    if pte {
      same = pte_same(ptep_get_lockless(pte), orig)  # not under the lock
      pte_unmap(pte)
    }
    pte = pte_offset_map_lock(m, 0x100000)
    if pte {
      if same {
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

expect violation "pgtable/stale-value" at 31 sometimes
