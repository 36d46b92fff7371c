# Q: Is a VMA pointer still good after I drop the lock?
# A: No: once the lock is dropped, munmap can free the VMA. Re-look it up
#    under the lock (and, as Rust Binder learned, check it is still yours).

mm m
vma v = mmap(m, 0x700000, pages=4, prot=rw)

thread unmapper {
  munmap(m, 0x700000, pages=4)
}

thread stale {
  msleep(1)
  mmap_read_lock(m)
  zap_vma_range(v, 0x700000, pages=1)
  mmap_read_unlock(m)
}

expect violation "vma/use-after-unmap" at 15
