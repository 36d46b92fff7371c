# Q: My driver's ->may_split takes the driver mutex, and my release ioctl
#    unmaps the user's mapping under that mutex. The user only shrinks my
#    mapping with mremap(2). Is that safe?
# A: No. A shrink unmaps the tail: mremap_at() -> shrink_vma() ->
#    do_vmi_munmap() (mm/mremap.c), with the mmap write lock held, splits
#    my VMA at addr + new_len, and __split_vma() (mm/vma.c) asks
#    ->may_split there. So lockdep learns mmap_lock -> drv_lock from the
#    shrink, and drv_lock -> mmap_lock from the ioctl: a circular
#    dependency, and a deadlock when the two meet. The fix
#    (mremap_shrink_may_split-fixed.mms) decides without the mutex.
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

thread user {
  mremap(m, 0x100000, 0x8000, 0x4000)  # unmaps [0x104000, 0x108000): a split at 0x104000
}

thread release {
  mutex_lock(drv_lock)
  munmap(m, 0x100000, pages=8)  # vm_munmap() of it all: drv_lock -> mmap_lock
  mutex_unlock(drv_lock)
}

expect violation "lockdep/circular: possible circular locking dependency: taking drv_lock while holding m->mmap_lock" at 20 sometimes
expect violation "lockdep/circular: possible circular locking dependency: taking m->mmap_lock (&mm->mmap_lock) while holding drv_lock" at 38 sometimes
expect deadlock "user waits for drv_lock held by release; release waits for m->mmap_lock (write) held by user" sometimes
