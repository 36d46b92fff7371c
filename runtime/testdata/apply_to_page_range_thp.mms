# Rule apply_to_page_range/leaf-pmd: apply_to_page_range() works on PTE
# tables; apply_to_pmd_range() meets a huge PMD with
# "if (WARN_ON_ONCE(pmd_leaf(*pmd))) return -EINVAL;" (mm/memory.c), after
# the PMDs before it were applied. The THP is not split.

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private, vm=hugepage)
touch(m, 0x200000, write)
vma w = mmap(m, 0x1ff000, pages=1, prot=rw, flags=private | fixed)
n = 0
ops count {
  pte_entry(addr, pfn) {
    n += 1
    return 0
  }
}

thread t {
  mmap_read_lock(m)
  rc = apply_to_page_range(m, 0x1ff000, pages=2, ops=count)
  mmap_read_unlock(m)
  assert rc == -EINVAL
  assert n == 1
  # starting on the THP: nothing is applied, and the PMD stays huge (the
  # model used to split it)
  mmap_read_lock(m)
  rc = apply_to_page_range(m, 0x3ff000, pages=1, ops=count)
  mmap_read_unlock(m)
  assert rc == -EINVAL
  assert n == 1
  assert pmd_trans_huge(pmdp_get_lockless(m, 0x3ff000))
}

expect violation "apply_to_page_range/leaf-pmd" at 20
expect violation "apply_to_page_range/leaf-pmd" at 27
