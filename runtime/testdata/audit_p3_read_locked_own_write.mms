# Audit probe p3 (§2.4): vma_start_read_locked on a VMA the task itself
# write-locked. vma_start_read_locked_nested() only bumps vm_refcnt, which
# is back to 1 once __vma_start_write() completed: it succeeds.

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw)
thread t {
  mmap_write_lock(m)
  vma_start_write(v)
  ok = vma_start_read_locked(v)
  assert ok, "the read lock on one's own write-locked VMA is granted"
  if ok { vma_end_read(v) }
  mmap_write_unlock(m)
}
expect ok
