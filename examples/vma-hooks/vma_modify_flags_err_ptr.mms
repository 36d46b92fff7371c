# Q: vma_modify_flags() returns the VMA, or ERR_PTR() when a split fails.
#    How does a caller get the error (mprotect_fixup(), madvise_update_vma())?
# A: mmscript's vma_modify_flags returns nil for the kernel's ERR_PTR(err):
#    test it (IS_ERR: `if !vma`), then PTR_ERR(vma) is err, here the
#    driver's ->may_split refusal (__split_vma(), mm/vma.c), which
#    mprotect(2) returns. Rule book 2.27.

mm m
file dev

ops drv {
  may_split(vma, addr) {
    return -EINVAL
  }
}

mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=dev, ops=drv)

thread user {
  mmap_write_lock(m)
  vma = find_vma(m, 0x100000)
  err = 0
  nv = vma_modify_flags(m, vma, vma, 0x101000, 0x102000, vma.vm_flags ^ VM_WRITE)
  if !nv {
    err = PTR_ERR(nv)
  }
  mmap_write_unlock(m)
  assert err == -EINVAL
}

expect ok
