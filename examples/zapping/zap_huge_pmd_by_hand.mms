# Q: Zapping a huge PMD by hand, as zap_pmd_range() does: what must hold?
# A: What every zap needs, the VMA stable (the mmap lock, the VMA read lock
#    or an rmap lock), and an mmu_gather around it so that the TLB is
#    flushed before the huge page is freed; zap_huge_pmd() takes the PMD
#    lock itself and rechecks the entry under it (mm/memory.c:
#    zap_pmd_range(); mm/huge_memory.c: zap_huge_pmd()).

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
touch(m, 0x200000, write)

thread zapper {
  mmap_read_lock(m)
  assert pmd_trans_huge(pmdp_get_lockless(m, 0x200000))
  tlb = tlb_gather_mmu(m)
  assert zap_huge_pmd(tlb, v, 0x200000)
  tlb_finish_mmu(tlb)
  mmap_read_unlock(m)
}

expect ok
