# Q: I need a VMA's read lock and would rather wait than fail when a
#    writer is changing the VMA. Is there a helper?
# A: lock_vma_under_rcu_wait(): lock_vma_under_rcu() first; if that fails
#    it waits for the writer under mmap_read_lock, looks the VMA up again
#    and retries, and returns nil only when no VMA covers the address
#    (mm/mmap_lock.c, linux-mm 2026). Call it with no mmap lock held.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread writer {
  mmap_write_lock(m)
  vm_flags_set(v, VM_DONTDUMP)  # vma_start_write: readers fail meanwhile
  mmap_write_unlock(m)
}

thread reader {
  vma r = lock_vma_under_rcu_wait(m, 0x100000)
  assert r
  vma_end_read(r)
  assert !lock_vma_under_rcu_wait(m, 0x900000)
}

expect ok
