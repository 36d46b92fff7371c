# Q: May I invalidate and re-set a huge PMD with only the mmap read lock?
# A: No: the PMD entry is changed under its PMD lock (pmd_lock,
#    __pmd_trans_huge_lock): the fault path (do_huge_pmd_wp_page,
#    huge_pmd_set_accessed), zap_huge_pmd() and split_huge_pmd() change the
#    same entry under it, and a change outside it is lost or undone.

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
assert touch(m, 0x200000, write)  # a PMD-mapped THP

thread numa {
  mmap_read_lock(m)
  entry = pmdp_invalidate(v, 0x200000)
  set_huge_pmd_at(v, 0x200000, entry)
  mmap_read_unlock(m)
}

expect violation "pgtable/change-needs-ptl: pmdp_invalidate" at 13
expect violation "pgtable/change-needs-ptl: set_huge_pmd_at" at 14
