# Q: My driver's ->may_split refuses splits off its alignment, as hugetlb's
#    hugetlb_vm_op_split() and dev_dax_may_split() do. What do munmap(2),
#    mprotect(2) and mremap(2) of part of my VMA do then?
# A: They fail with the hook's error, and a caller must check: munmap can
#    fail. __split_vma() (mm/vma.c) asks ->may_split first, under the mmap
#    write lock. munmap of the middle splits twice
#    (vms_gather_munmap_vmas(): at start, then at end): a refusal at end
#    leaves the split at start done and its new piece opened, and nothing
#    unmapped (end_split_failed: reattach_vmas()). mprotect fails through
#    vma_modify_flags()'s ERR_PTR; mremap asks at both ends in
#    prep_move_vma() before anything changes. Rule book 2.27.

mm m
file dev
asked = 0
opens = 0

ops drv {
  may_split(vma, addr) {
    assert m.mmap_lock.held  # for write: the split's caller holds it
    asked = asked + 1
    if addr % 0x2000 != 0 {  # the device's 8 KiB granule
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

thread user {
  assert munmap(m, 0x102000, pages=1) == -EINVAL, "the split at the end, 0x103000, is refused"
  assert asked == 2 && opens == 1, "the split at 0x102000 was allowed, done and opened"
  mmap_read_lock(m)
  v = find_vma(m, 0x102000)
  assert v.vm_start == 0x102000 && v.vm_end == 0x108000, "split once, nothing unmapped"
  mmap_read_unlock(m)
  assert touch(m, 0x102000, read), "still mapped"
  assert mprotect(m, 0x104000, 0x3000, PROT_READ) == -EINVAL, "vma_modify_flags: the split at 0x107000 is refused"
  assert mremap(m, 0x104000, 0x1000, 0x1000, flags=maymove | fixed, new_addr=0x200000) == -EINVAL
  assert munmap(m, 0x104000, pages=2) == 0, "aligned: allowed"
}

expect ok
