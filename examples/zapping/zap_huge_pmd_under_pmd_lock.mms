# Q: A huge PMD is zapped under the mmap read lock while another thread,
#    also under the read lock, splits it (MADV_DONTNEED of part of its
#    range). Which lock makes the zap and the split take turns?
# A: The PMD lock, as zap_huge_pmd() takes it (__pmd_trans_huge_lock():
#    pmd_lock(), then the entry rechecked under it). The split takes the
#    same lock (__split_huge_pmd()); if it went first the entry is a PTE
#    table by now, __pmd_trans_huge_lock() returns NULL and zap_pmd_range()
#    zaps the table under its PTE lock instead (mm/memory.c:
#    zap_pmd_range(); mm/huge_memory.c: zap_huge_pmd()).

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
touch(m, 0x200000, write)

thread zapper {
  mmap_read_lock(m)
  tlb = tlb_gather_mmu(m)
  ptl = __pmd_trans_huge_lock(v, 0x200000)
  if ptl {
    orig_pmd = pmdp_huge_get_and_clear_full(v, 0x200000, tlb)
    tlb_remove_pmd_tlb_entry(tlb, 0x200000)
    folio = vm_normal_folio_pmd(v, 0x200000, orig_pmd)
    if folio {
      zap_huge_pmd_folio(v, orig_pmd, folio)
    }
    zap_deposited_table(m, 0x200000)
    spin_unlock(ptl)
    if folio {
      tlb_remove_page_size(tlb, folio, PMD_SIZE)
    }
  } else {
    zap_pte_range(tlb, v, 0x200000, 0x400000)  # split meanwhile
  }
  tlb_finish_mmu(tlb)
  mmap_read_unlock(m)
}

thread splitter {
  mmap_read_lock(m)
  split_huge_pmd(v, 0x201000)
  mmap_read_unlock(m)
}

expect ok always
