# The page walkers as mm/pagewalk.c declares them: walk_page_vma(vma, ops,
# private), walk_page_range(mm, start, end, ops, private), the lock mode
# in ops->walk_lock (include/linux/pagewalk.h: enum page_walk_lock), set
# at the top level as the kernel's const initializer sets it (.walk_lock
# = PGWALK_WRLOCK); private is any value or NULL. mmscript's earlier form,
# the mode as a word in private's place, still binds.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)
ops smaps_walk_ops {
  pte_entry(addr, pfn) { return 0 }
}
ops wr_ops {
  pte_entry(addr, pfn) { return 0 }
}
wr_ops.walk_lock = PGWALK_WRLOCK
thread t {
  assert touch(m, 0x100000, write)
  mmap_read_lock(m)
  assert walk_page_vma(v, &smaps_walk_ops, NULL) == 1
  assert walk_page_vma(v, &smaps_walk_ops, rdlock) == 1
  assert walk_page_range(m, 0x100000, 0x102000, &smaps_walk_ops, v) == 1
  assert wr_ops.walk_lock == PGWALK_WRLOCK && smaps_walk_ops.walk_lock == PGWALK_RDLOCK
  walk_page_vma(v, &wr_ops, NULL)
  mmap_read_unlock(m)
}
expect violation "walk_page_vma/walk-lock" at 24
