# The correct form for vm_flags_needs_mmap_write.mms: under the mmap write
# lock; the VMA write lock vm_flags_set takes ends with mmap_write_unlock,
# after which VMA readers succeed again. Rule book 2.16, 1.1.

mm m
vma v = mmap(m, 0x300000, pages=1, prot=rw)

thread t {
  mmap_write_lock(m)
  vm_flags_set(v, VM_DONTCOPY)
  vm_flags_clear(v, VM_DONTCOPY | VM_DONTDUMP)
  vm_flags_set(v, VM_DONTDUMP)
  mmap_write_unlock(m)
  assert v.vm_flags & VM_DONTDUMP
  assert !(v.vm_flags & VM_DONTCOPY)
  vma r = lock_vma_under_rcu(m, 0x300000)
  assert r, "the VMA write lock ended with mmap_write_unlock"
  vma_end_read(r)
}

expect ok
