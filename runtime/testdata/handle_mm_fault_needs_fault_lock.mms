# Rule handle_mm_fault/needs-fault-lock: handle_mm_fault() runs under the
# mmap lock, or under the VMA read lock with FAULT_FLAG_VMA_LOCK. Nothing
# at entry checks it. Rule book 2.18.

mm m
vma v = mmap(m, 0x600000, pages=2, prot=rw)

thread t {
  handle_mm_fault(v, 0x600000, write)
  mmap_read_lock(m)
  assert handle_mm_fault(v, 0x601000, write) == 0
  mmap_read_unlock(m)
  vma r = lock_vma_under_rcu(m, 0x600000)
  assert handle_mm_fault(r, 0x600000, read | vma_lock) == 0
  vma_end_read(r)
}

expect violation "handle_mm_fault/needs-fault-lock" at 9
