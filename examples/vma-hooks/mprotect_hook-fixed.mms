# Q: My driver must not let user space make its pages executable. How does
#    its ->mprotect refuse?
# A: It returns -EACCES and leaves the VMA alone: do_mprotect_pkey()
#    (mm/mprotect.c) calls it under the mmap write lock for each VMA of the
#    range before mprotect_fixup(), and a non-zero return ends the loop
#    with that error; the VMAs before it are changed already. The buggy
#    twin (mprotect_hook-buggy.mms) changed vm_flags itself. Rule book 2.27.

mm m
file dev

ops drv {
  mprotect(vma, start, end, newflags) {
    assert m.mmap_lock.held
    if newflags & VM_EXEC != 0 {
      return -EACCES
    }
    return 0
  }
  fault(vmf) {
    page p = alloc_page()
    return p
  }
}

mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=dev, ops=drv)

thread user {
  assert mprotect(m, 0x100000, 0x4000, PROT_READ | PROT_EXEC) == -EACCES
  assert touch(m, 0x100000, write), "refused: still writable"
  assert mprotect(m, 0x100000, 0x4000, PROT_READ) == 0
  assert !touch(m, 0x100000, write)
}

expect ok
