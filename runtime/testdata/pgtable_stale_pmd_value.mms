# Rule pgtable/stale-value for a PMD value: read with pmdp_get under the
# PMD lock, it decides (pmd_none, pmd_leaf, pmd_move_table) only under
# that hold; after the lock was dropped and another thread held it, it is
# re-checked with pmd_same against a fresh read (mm/pgtable-generic.c:
# __pte_offset_map_lock()). The re-check made in a helper function
# validates the value it was given, wherever its copies are.

mm m
vma v = mmap(m, 0x200000, pages=1, prot=rw)
touch(m, 0x200000, write)

func recheck(mm, addr, pmd) {
  return pmd_same(pmdp_get(mm, addr), pmd)
}

thread walker {
  mmap_read_lock(m)
  ptl = pmd_lock(m, 0x200000)
  pmd = pmdp_get(m, 0x200000)
  spin_unlock(ptl)
  ptl = pmd_lock(m, 0x200000)
  none = pmd_none(pmd)
  spin_unlock(ptl)
  ptl = pmd_lock(m, 0x200000)
  if recheck(m, 0x200000, pmd) {
    leaf = pmd_leaf(pmd)
  }
  spin_unlock(ptl)
  mmap_read_unlock(m)
}

thread other {
  mmap_read_lock(m)
  ptl = pmd_lock(m, 0x200000)
  spin_unlock(ptl)
  mmap_read_unlock(m)
}

expect violation "pgtable/stale-value" at 22 sometimes
