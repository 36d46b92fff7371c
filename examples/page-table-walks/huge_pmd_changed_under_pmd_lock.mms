# Q: How do I change a PMD-mapped THP's entry in place (its protection,
#    its dirty or young bits)?
# A: Under the PMD lock (pmd_lock, __pmd_trans_huge_lock), with
#    pmdp_invalidate(), pmd_modify() and set_pmd_at(): the entry stays a
#    huge PMD to software all along, so MADV_DONTNEED and other readers
#    that look at the PMD without its lock under the mmap read lock never
#    see it none (mm/huge_memory.c: change_huge_pmd(), since ced108037c2a).
#    pmdp_huge_get_and_clear() is fine with the mmap lock held for write,
#    which keeps those readers out.

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
assert touch(m, 0x200000, write)  # a PMD-mapped THP

thread numa {  # change_prot_numa() under the read lock
  mmap_read_lock(m)
  ptl = pmd_lock(m, 0x200000)
  entry = pmdp_invalidate(v, 0x200000)
  assert set_huge_pmd_at(v, 0x200000, entry) == 0
  spin_unlock(ptl)
  mmap_read_unlock(m)
}

thread prot {  # a change under the write lock may clear the entry
  mmap_write_lock(m)
  vma_start_write(v)
  ptl = pmd_lock(m, 0x200000)
  entry = pmdp_huge_get_and_clear(v, 0x200000)
  assert set_huge_pmd_at(v, 0x200000, entry) == 0
  spin_unlock(ptl)
  mmap_write_unlock(m)
}

expect ok
