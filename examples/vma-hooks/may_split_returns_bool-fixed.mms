# Q: How does my ->may_split refuse a split off the device's granule?
# A: With a negative errno: __split_vma() (mm/vma.c) returns it and munmap(2)
#    fails with it, leaving the split it did at the start of the range and
#    unmapping nothing. The buggy twin (may_split_returns_bool-buggy.mms)
#    returned 1. Rule book 2.27.

mm m
file dev
granule = 0x2000

ops drv {
  may_split(vma, addr) {
    if addr % granule != 0 {
      return -EINVAL
    }
    return 0
  }
}

mmap(m, 0x100000, pages=8, prot=rw, flags=shared, file=dev, ops=drv)

thread user {
  assert munmap(m, 0x102000, pages=1) == -EINVAL
}

expect ok
