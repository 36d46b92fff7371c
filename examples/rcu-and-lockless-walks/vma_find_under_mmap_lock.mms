# Q: What must I hold to walk the VMAs with vma_find() (for_each_vma_range)?
# A: The mmap lock, for read or write: the maple tree's external lock is the
#    mmap lock (mm_init(): mt_set_external_lock()), and a VMA found under it
#    stays until the lock is dropped. Under RCU alone the walk is allowed,
#    but each VMA must then be read-locked before use (lock_next_vma).

mm m
mmap(m, 0x100000, pages=2, prot=rw)
mmap(m, 0x200000, pages=1, prot=r)

thread walker {
  mmap_read_lock(m)
  addr = 0
  n = 0
  while true {
    vma = vma_find(m, addr, ULONG_MAX)
    if !vma {
      break
    }
    n += 1
    addr = vma.vm_end
  }
  mmap_read_unlock(m)
}

thread unmapper {
  munmap(m, 0x100000, pages=2)
}

expect ok
