# A page fault on an anonymous VMA that allows THP (VM_HUGEPAGE: the
# reference kernel runs enabled=madvise) at a none, 2 MiB-aligned PMD
# wholly inside the VMA maps a PMD-sized folio: __handle_mm_fault() ->
# create_huge_pmd() -> do_huge_pmd_anonymous_page() (mm/huge_memory.c),
# the huge zero page for a read, a new THP for a write, under the PMD
# lock; a write to the huge zero page replaces it (do_huge_pmd_wp_page).
# Without VM_HUGEPAGE the fault maps small pages.

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
vma w = mmap(m, 0x600000, pages=512, prot=rw, flags=private | anonymous)
thread a {  # the PMD-mapped THP path
  assert touch(m, 0x200000, read)
  assert pmd_trans_huge(pmdp_get_lockless(m, 0x200000)), "the huge zero page"
  assert touch(m, 0x201000, write)
  assert pmd_trans_huge(pmdp_get_lockless(m, 0x200000)), "a new THP replaced the huge zero page"
  assert touch(m, 0x3ff000, write)
}
thread b {
  assert touch(m, 0x600000, write)
  assert !pmd_trans_huge(pmdp_get_lockless(m, 0x600000)), "no VM_HUGEPAGE: small pages"
}
expect ok
