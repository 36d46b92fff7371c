# vma_modify_flags() splits the VMA at 0x201000, inside the THP's PMD
# range, so __split_vma() splits the huge PMD (vma_adjust_trans_huge()):
# a lockless read of the PMD sees it huge or not by the order. The step
# declared only the VMAs, and explore ran one order ("expect ok
# sometimes" came out Never).

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
touch(m, 0x200000, write)

thread splitter {
  mmap_write_lock(m)
  vma_modify_flags(m, nil, v, 0x201000, 0x400000, v.vm_flags)
  mmap_write_unlock(m)
}

thread reader {
  x = pmdp_get_lockless(m, 0x200000)
  assert pmd_trans_huge(x)
}

expect error "assert" sometimes
expect ok sometimes
