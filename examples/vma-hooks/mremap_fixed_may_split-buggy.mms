# Q: My driver's ->may_split looks at the device's state under the driver
#    mutex, and my release ioctl unmaps the user's mapping (vm_munmap())
#    under that mutex. A user moves another mapping onto the middle of
#    mine with mremap(MREMAP_FIXED). Is that safe?
# A: No. mremap_to() unmaps the MREMAP_FIXED target first (do_munmap(),
#    mm/mremap.c), with the mmap write lock held, and that unmap splits my
#    VMA at both ends of the target: __split_vma() (mm/vma.c) asks
#    ->may_split at each split. So lockdep learns mmap_lock -> drv_lock
#    from the mremap, and drv_lock -> mmap_lock from the ioctl: a circular
#    dependency, and a deadlock when the two meet. The fix
#    (mremap_fixed_may_split-fixed.mms) decides without the mutex.
#    Rule book 2.27.

mm m
file dev
mutex drv_lock
granule = 0x2000

ops drv {
  may_split(vma, addr) {
    mutex_lock(drv_lock)  # mmap_lock (write) -> drv_lock
    ret = 0
    if addr % granule != 0 {
      ret = -EINVAL
    }
    mutex_unlock(drv_lock)
    return ret
  }
}

mmap(m, 0x100000, pages=8, prot=rw, flags=shared, file=dev, ops=drv)
mmap(m, 0x300000, pages=2, prot=rw, flags=private)

thread user {
  # the target [0x102000, 0x104000) is unmapped first: splits at both ends
  mremap(m, 0x300000, 0x2000, 0x2000, flags=maymove | fixed, new_addr=0x102000)
}

thread release {
  mutex_lock(drv_lock)
  munmap(m, 0x100000, pages=8)  # vm_munmap() of it all: drv_lock -> mmap_lock
  mutex_unlock(drv_lock)
}

expect violation "lockdep/circular: possible circular locking dependency: taking drv_lock while holding m->mmap_lock" at 21 sometimes
expect violation "lockdep/circular: possible circular locking dependency: taking m->mmap_lock (&mm->mmap_lock) while holding drv_lock" at 41 sometimes
expect deadlock "user waits for drv_lock held by release; release waits for m->mmap_lock (write) held by user" sometimes
