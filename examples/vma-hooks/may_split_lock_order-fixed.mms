# Q: My driver's ->may_split looks at the device's state under the driver
#    mutex, and my release ioctl unmaps the user's mapping (vm_munmap())
#    under that mutex. Is that safe?
# A: No. ->may_split runs inside __split_vma() with the mmap write lock
#    held (mm/vma.c), so lockdep learns mmap_lock -> drv_lock from the
#    user's partial munmap, and drv_lock -> mmap_lock from the ioctl: a
#    circular dependency, and a deadlock when the two meet. The fix
#    (may_split_lock_order-fixed.mms) decides from what the VMA and the
#    device's immutable geometry say, without the mutex. Rule book 2.27.

mm m
file dev
mutex drv_lock
granule = 0x2000

ops drv {
  may_split(vma, addr) {
    # granule is fixed when the device is probed: no lock needed
    ret = 0
    if addr % granule != 0 {
      ret = -EINVAL
    }
    return ret
  }
}

mmap(m, 0x100000, pages=8, prot=rw, flags=shared, file=dev, ops=drv)

thread user {
  munmap(m, 0x102000, pages=2)  # splits at 0x102000 and 0x104000
}

thread release {
  mutex_lock(drv_lock)
  munmap(m, 0x100000, pages=8)  # vm_munmap() of it all: drv_lock -> mmap_lock
  mutex_unlock(drv_lock)
}

expect ok
