# Q: How does a walker that dropped the PMD lock and took it again go on
#    with the PMD value it read under the first hold?
# A: It re-reads the entry under the new hold and compares with pmd_same,
#    as __pte_offset_map_lock() (mm/pgtable-generic.c) and move_normal_pmd()
#    (mm/mremap.c, 6fa1066fc5d0) do; equal, the old value is current again
#    (rule pgtable/stale-value).

mm m
vma v = mmap(m, 0x200000, pages=1, prot=rw)
touch(m, 0x200000, write)

thread walker {
  mmap_read_lock(m)
  ptl = pmd_lock(m, 0x200000)
  pmd = pmdp_get(m, 0x200000)
  spin_unlock(ptl)
  ptl = pmd_lock(m, 0x200000)
  if pmd_same(pmdp_get(m, 0x200000), pmd) && !pmd_none(pmd) && !pmd_leaf(pmd) {
    # ... use the PTE table pmd points to ...
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

expect ok
