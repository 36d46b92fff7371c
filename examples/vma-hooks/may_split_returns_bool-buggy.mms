# Q: My ->may_split says whether the split is off the device's granule:
#    `return addr % granule != 0;`. Right?
# A: No: ->may_split returns 0 or a negative errno, not a yes/no.
#    __split_vma() (mm/vma.c) takes any non-zero value for an error and
#    the caller passes it on: munmap(2) returns 1 to user space, which
#    reads it as neither success nor -1. Nothing checks it. Return -EINVAL
#    (may_split_returns_bool-fixed.mms), as hugetlb_vm_op_split() does.
#    Rule book 2.27.

mm m
file dev
granule = 0x2000

ops drv {
  may_split(vma, addr) {
    return addr % granule != 0  # wrong: 1 is not an errno
  }
}

mmap(m, 0x100000, pages=8, prot=rw, flags=shared, file=dev, ops=drv)

thread user {
  munmap(m, 0x102000, pages=1)  # the split at 0x103000 is off the granule
}

expect violation "vm_ops/hook-return" at 16
