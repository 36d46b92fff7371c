# Q: Setting a memory policy on part of a VMA by hand, as mbind_range()
#    does: which locks must be held?
# A: The mmap write lock, and the VMA write-locked first
#    (vma_start_write()): vma_modify_policy() may split the VMA or merge it
#    with its neighbour (vma_prev()), and faults under the VMA read lock
#    read vma->vm_policy (mm/mempolicy.c: do_mbind() locks every VMA of the
#    range before mbind_range(); mm/vma.c: vma_modify_policy()).

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw)

thread binder {
  mmap_write_lock(m)
  vma_start_write(v)
  prev = vma_prev(m, v)
  w = vma_modify_policy(m, prev, v, 0x101000, 0x103000, MPOL_BIND)
  assert w
  assert vma_replace_policy(w, MPOL_BIND) == 0
  mmap_write_unlock(m)
}

thread faulter {
  assert touch(m, 0x102000, write)
}

expect ok
