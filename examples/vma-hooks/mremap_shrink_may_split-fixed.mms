# Q: How does my driver refuse, without its mutex, the split a user's
#    mremap(2) shrink of my mapping would make off the device's granule?
# A: ->may_split decides from what the VMA and the device's immutable
#    geometry say. The shrink unmaps the tail (mremap_at() -> shrink_vma()
#    -> do_vmi_munmap(), mm/mremap.c), which splits at addr + new_len;
#    __split_vma() (mm/vma.c) asks ->may_split first. A refusal fails
#    mremap(2) with the hook's error and unmaps nothing; the mmap lock is
#    dropped all the same (do_mremap(): vrm->mmap_locked). A shrink on
#    the granule unmaps the tail, its ->close under the mmap read lock
#    (do_vmi_munmap() with unlock: the lock downgraded). The buggy twin
#    (mremap_shrink_may_split-buggy.mms) took the mutex. Rule book 2.27.

mm m
file dev
mutex drv_lock
granule = 0x2000
asked = 0
closes = 0

ops drv {
  may_split(vma, addr) {
    asked = asked + 1
    if addr % granule != 0 {  # the device's 8 KiB granule
      return -EINVAL
    }
    return 0
  }
  close(vma) {
    closes = closes + 1
  }
  fault(vmf) {
    page p = alloc_page()
    return p
  }
}

mmap(m, 0x100000, pages=8, prot=rw, flags=shared, file=dev, ops=drv)

assert mremap(m, 0x100000, 0x8000, 0x3000) == -EINVAL, "the split at 0x103000 is refused"
assert asked == 1 && closes == 0
assert touch(m, 0x107000, read), "nothing unmapped"
assert mremap(m, 0x100000, 0x8000, 0x6000) == 0x100000, "on the granule: allowed"
assert asked == 2 && closes == 1, "the tail [0x106000, 0x108000) split off, unmapped and closed"
assert touch(m, 0x105000, read) && !touch(m, 0x106000, read)

thread user {
  mremap(m, 0x100000, 0x6000, 0x4000)  # on the granule: allowed
}

thread release {
  mutex_lock(drv_lock)
  munmap(m, 0x100000, pages=8)  # vm_munmap() of it all: drv_lock -> mmap_lock
  mutex_unlock(drv_lock)
}

expect ok
