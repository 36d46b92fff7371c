# Fixed: gup-fast-khugepaged-buggy.mms with 2ba99c5e0881 ("mm/khugepaged:
# fix GUP-fast interaction by sending IPI", v6.1): tlb_remove_table_sync_one()
# after pmdp_collapse_flush() waits for every CPU with IRQs off, so a
# GUP-fast walker that read the old PMD finishes (and, re-checking the
# PMD, drops its reference) before the table is freed.

mm m
file f
vma v = mmap(m, 0x200000, pages=512, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)

# mm/khugepaged.c: collapse_and_free_pmd() after 2ba99c5e0881
func collapse_and_free_pmd(mm, vma, addr) {
  ptl = pmd_lock(mm, addr)
  pmd = pmdp_collapse_flush(vma, addr)
  spin_unlock(ptl)
  tlb_remove_table_sync_one()
  pte_free(mm, pmd)
}

thread khugepaged {
  mmap_write_lock(m)
  vma_start_write(v)
  i_mmap_lock_write(f)
  collapse_and_free_pmd(m, v, 0x200000)
  i_mmap_unlock_write(f)
  mmap_write_unlock(m)
}

thread user {
  get_user_pages_fast_only(m, 0x200000)
}

expect ok
