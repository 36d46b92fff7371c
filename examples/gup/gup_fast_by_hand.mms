# Q: GUP-fast takes no lock at all. What keeps its walk and the page it
#    grabs valid, step by step as gup_fast_pte_range() does it?
# A: IRQs off (local_irq_save()) from the PMD read to the end: table
#    freeing waits for the IPI or the grace period that IRQs off holds off.
#    The PTE is read once (ptep_get_lockless()), checked for access
#    (pte_access_permitted()), the folio grabbed with a reference that may
#    fail (try_grab_folio_fast()), and then both the PMD and the PTE read
#    again: if either changed, the reference goes back (gup_put_folio())
#    (mm/gup.c: gup_fast(), gup_fast_pte_range()).

mm m
vma v = mmap(m, 0x200000, pages=4, prot=rw)
touch(m, 0x200000, write)

thread gup_fast {
  got = nil
  flags = local_irq_save()
  pmd = pmdp_get_lockless(m, 0x200000)
  ptep = pte_offset_map(m, 0x200000, pmdval=pmd)
  if ptep {
    pte = ptep_get_lockless(ptep)
    if pte >= 0 && pte_access_permitted(ptep, true) {
      page p = pfn_to_page(pte)
      folio = try_grab_folio_fast(p, true)
      if folio {
        if pmd_same(pmd, pmdp_get_lockless(m, 0x200000)) && pte == ptep_get_lockless(ptep) {
          got = p
        } else {
          gup_put_folio(folio, true)  # the PMD or PTE changed under the grab
        }
      }
    }
    pte_unmap(ptep)
  }
  local_irq_restore(flags)
  if got {
    unpin_user_page(got)
  }
}

thread khugepaged {
  mmap_write_lock(m)
  vma_start_write(v)
  anon_vma_lock_write(v)
  l = pmd_lock(m, 0x200000)
  pte old = pmdp_collapse_flush(v, 0x200000)
  spin_unlock(l)
  anon_vma_unlock_write(v)
  tlb_remove_table_sync_one()
  mmap_write_unlock(m)
  if old {
    tlb_remove_table(m, old)
  }
}

expect ok
