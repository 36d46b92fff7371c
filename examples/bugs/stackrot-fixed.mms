# StackRot, CVE-2023-3269, the fix (commit 8d7071af8907, Linux 6.5, also
# 6.4.1, 6.3.11, 6.1.37): the fault path finds its VMA with
# lock_mm_and_find_vma(), which drops the read lock, takes the write lock,
# looks the VMA up again and only then grows the stack
# (mm/mmap_lock.c: lock_mm_and_find_vma(); mm/vma.c: expand_downwards()
# asserts the write lock). Tree walkers under the read lock are excluded
# while the tree changes. Rule: vma/tree-store-needs-mmap-write; see
# stackrot-buggy.mms.

mm m
mmap(m, 0x7f0000, pages=4, prot=rw, flags=growsdown)
mmap(m, 0x900000, pages=1, prot=rw)

thread faulter {
  vma v = lock_mm_and_find_vma(m, 0x7ef000)
  if v {
    assert v.vm_start == 0x7ef000, "the stack grew"
    mmap_read_unlock(m)
  }
}

thread walker {
  mmap_read_lock(m)
  vma v = find_vma(m, 0x900000)
  mmap_read_unlock(m)
}

expect ok
