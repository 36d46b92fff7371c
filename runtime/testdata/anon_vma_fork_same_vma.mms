# anon_vma_fork(vma, pvma) with the parent's VMA as the child's: the
# child's VMA is a copy (vm_area_dup), and the same struct for both used
# to clear the anon_vma it copies and crash mmscript (a nil dereference
# TestGeneratedScripts hit); now a script error.
mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)
touch(m, 0x100000, write)
thread forker {
  mmap_write_lock(m)
  x = anon_vma_fork(v, v)
  mmap_write_unlock(m)
}
expect error "anon_vma_fork: vma and pvma are the same VMA" at 10
