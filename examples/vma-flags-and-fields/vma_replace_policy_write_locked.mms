# Q: What must be held to replace a VMA's NUMA policy (vm_policy)?
# A: The mmap write lock and the VMA write lock: faults under the VMA read
#    lock read vm_policy (vma_alloc_folio), and vma_replace_policy() frees
#    the old policy. Since 6c21e066f925 it asserts the VMA write lock
#    (vma_assert_write_locked()). (mm/mempolicy.c: vma_replace_policy();
#    Documentation/mm/process_addrs.rst, VMA fields)

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread t {
  mmap_write_lock(m)
  vma_start_write(v)
  assert vma_replace_policy(v, MPOL_INTERLEAVE) == 0
  mmap_write_unlock(m)
  assert v.vm_policy == MPOL_INTERLEAVE
}

thread fault {
  touch(m, 0x100000, write)
}

expect ok
