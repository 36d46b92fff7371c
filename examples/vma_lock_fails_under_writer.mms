# Q: What does lock_vma_under_rcu do while a writer holds the VMA?
# A: It fails rather than wait (it runs under RCU and must not sleep); the
#    caller falls back to the mmap read lock, which waits for the writer
#    (mm/mmap_lock.c: lock_vma_under_rcu(); rule book 2.19).

mm m
vma v = mmap(m, 0x300000, pages=4, prot=rw)
writing = false

thread writer {
  mmap_write_lock(m)
  writing = true      # a turn's statements run with its operation:
  vma_start_write(v)  # the flag is set as the VMA is write-locked
  vm_flags_set(v, VM_DONTCOPY)
  writing = false  # ...and cleared as the lock is dropped
  mmap_write_unlock(m)
}

thread reader {
  msleep(1)  # in the default schedule the writer goes first
  was_writing = writing
  vma r = lock_vma_under_rcu(m, 0x300000)
  if r {
    vma_end_read(r)
  } else {
    assert was_writing, "lock_vma_under_rcu fails only under a writer"
    mmap_read_lock(m)  # the fallback waits for the writer
    vma x = vma_lookup(m, 0x300000)
    assert x.vm_flags & VM_DONTCOPY, "the writer finished first"
    mmap_read_unlock(m)
  }
}

expect ok
