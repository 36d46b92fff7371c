# Q: Is the mmap write lock enough to replace vm_policy?
# A: No (CVE-2023-4611): a fault under the VMA read lock may still be using
#    the old policy, which vma_replace_policy() puts and frees. The VMA
#    write lock is required; the kernel asserts it since 6c21e066f925
#    (vma_assert_write_locked(): VM_WARN_ON_ONCE_VMA, CONFIG_DEBUG_VM).
#    See examples/bugs/mbind-vm-policy-buggy.mms for mbind() itself.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread t {
  mmap_write_lock(m)
  vma_replace_policy(v, MPOL_INTERLEAVE)
  mmap_write_unlock(m)
}

expect violation "vma-field/vm_policy" at 13
