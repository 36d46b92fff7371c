# Q: How does a walker read-lock a VMA it found under RCU, without the
#    mmap lock?
# A: With vma_start_read() inside the RCU read-side section; it fails
#    (nil) when a writer holds or waits for the VMA lock or the VMA was
#    detached. On success the walker re-checks that the VMA is the one it
#    looked for (here: it still covers the address), as
#    lock_vma_under_rcu() does, and ends with vma_end_read().

mm m
mmap(m, 0x100000, pages=1, prot=rw)

thread reader {
  rcu_read_lock()
  vma = vma_find(m, 0x100000, 0x101000)
  if vma {
    vma = vma_start_read(m, vma)
  }
  rcu_read_unlock()
  if vma {
    if vma.vm_start <= 0x100000 && 0x100000 < vma.vm_end {
      flags = vma.vm_flags
    }
    vma_end_read(vma)
  }
}

thread unmapper {
  munmap(m, 0x100000, pages=1)
}

expect ok
