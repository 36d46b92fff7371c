# Q: May a driver look the VMA up under the mmap lock, drop the lock to
#    do some work, and test vma_is_anonymous() on the saved pointer then?
# A: No: once the mmap read lock is dropped, munmap may free the VMA
#    (mm/vma_init.c: vm_area_free(); the slab is SLAB_TYPESAFE_BY_RCU, so
#    the memory may already be another VMA), and vma_is_anonymous() reads
#    vma->vm_ops from freed memory. No kernel check catches it: a silent
#    use-after-free (KASAN may). Ask while the lock is held, or look the
#    VMA up again.

mm m
mmap(m, 0x100000, pages=2, prot=rw)

thread driver {
  mmap_read_lock(m)
  vma a = vma_lookup(m, 0x100000)
  mmap_read_unlock(m)
  if a {
    msleep(1)
    anon = vma_is_anonymous(a)
  }
}

thread unmapper {
  munmap(m, 0x100000, pages=2)
}

expect violation "vma/use-after-unmap" at 19
