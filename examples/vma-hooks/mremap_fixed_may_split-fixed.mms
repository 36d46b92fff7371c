# Q: How does my driver refuse, without its mutex, a split that another
#    mapping's mremap(MREMAP_FIXED) onto the middle of my VMA would make?
# A: ->may_split decides from what the VMA and the device's immutable
#    geometry say. mremap_to() unmaps the target with do_munmap()
#    (mm/mremap.c): vms_gather_munmap_vmas() splits at the target's start,
#    then at its end, and __split_vma() (mm/vma.c) asks ->may_split before
#    each. A refusal fails mremap(2) with the hook's error: the split at
#    the start stays done (its new piece opened), nothing is unmapped
#    (reattach_vmas()) and nothing moved. The buggy twin
#    (mremap_fixed_may_split-buggy.mms) took the mutex. Rule book 2.27.

mm m
file dev
mutex drv_lock
granule = 0x2000
asked = 0
opens = 0

ops drv {
  may_split(vma, addr) {
    asked = asked + 1
    if addr % granule != 0 {  # the device's 8 KiB granule
      return -EINVAL
    }
    return 0
  }
  open(vma) {
    opens = opens + 1
  }
  fault(vmf) {
    page p = alloc_page()
    return p
  }
}

mmap(m, 0x100000, pages=8, prot=rw, flags=shared, file=dev, ops=drv)
mmap(m, 0x300000, pages=2, prot=rw, flags=private)
touch(m, 0x300000, write)

# the target [0x104000, 0x106000) is on the granule, [0x105000, 0x107000) is not
assert mremap(m, 0x300000, 0x2000, 0x2000, flags=maymove | fixed, new_addr=0x105000) == -EINVAL
assert asked == 1 && opens == 0, "the split at 0x105000, the target's start, is refused"
assert touch(m, 0x300000, read) && touch(m, 0x105000, read), "nothing moved, nothing unmapped"
mmap(m, 0x400000, pages=1, prot=rw, flags=private)
assert mremap(m, 0x400000, 0x1000, 0x1000, flags=maymove | fixed, new_addr=0x102000) == -EINVAL
assert asked == 3 && opens == 1, "0x102000 allowed, split and opened; 0x103000 refused"
assert touch(m, 0x102000, read) && touch(m, 0x400000, read), "nothing unmapped: the split at the start stays"

thread user {
  mremap(m, 0x300000, 0x2000, 0x2000, flags=maymove | fixed, new_addr=0x104000)  # on the granule: allowed
}

thread release {
  mutex_lock(drv_lock)
  munmap(m, 0x100000, pages=8)  # vm_munmap() of it all: drv_lock -> mmap_lock
  mutex_unlock(drv_lock)
}

expect ok
