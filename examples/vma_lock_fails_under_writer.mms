# Q: What does lock_vma_under_rcu do while a writer holds the VMA?
# A: It fails rather than wait (it runs under RCU and must not sleep); the
#    caller falls back to the mmap read lock, which waits for the writer
#    (mm/mmap_lock.c: lock_vma_under_rcu(); rule book 2.19).

mm m
vma v = mmap(m, 0x300000, pages=4, prot=rw)

thread writer {
  mmap_write_lock(m)
  vma_start_write(v)
  vm_flags_set(v, VM_DONTCOPY)
  mmap_write_unlock(m)
}

thread reader {
  msleep(1)              # let the writer get the VMA first
  vma r = lock_vma_under_rcu(m, 0x300000)
  assert !r, "the VMA is write-locked"
  mmap_read_lock(m)
  vma x = vma_lookup(m, 0x300000)
  assert x.vm_flags & VM_DONTCOPY, "the writer finished first"
  mmap_read_unlock(m)
}

expect ok
