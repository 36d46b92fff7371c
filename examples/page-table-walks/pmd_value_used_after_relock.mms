# Q: A walker reads a PMD entry under the PMD lock, drops the lock and
#    takes it again. May it decide on the value it read (is it none, a
#    huge entry, a PTE table)?
# A: Not before re-checking it: while the lock was dropped another thread
#    may have changed the entry (a huge page split or collapsed, a table
#    installed or retracted). Re-read it under the new hold and compare
#    with pmd_same, as __pte_offset_map_lock() (mm/pgtable-generic.c) and
#    move_normal_pmd() (mm/mremap.c, 6fa1066fc5d0) do (rule
#    pgtable/stale-value).

mm m
vma v = mmap(m, 0x200000, pages=1, prot=rw)
touch(m, 0x200000, write)

thread walker {
  mmap_read_lock(m)
  ptl = pmd_lock(m, 0x200000)
  pmd = pmdp_get(m, 0x200000)
  spin_unlock(ptl)
  ptl = pmd_lock(m, 0x200000)
  if !pmd_none(pmd) && !pmd_leaf(pmd) {
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

expect violation "pgtable/stale-value" at 21 sometimes
