# remap_pfn_range() and io_remap_pfn_range() take the kernel's arguments
# (vma, addr, pfn, size, prot), as a driver's f_op->mmap passes them:
# remap_pfn_range(vma, vma->vm_start, pfn, vma->vm_end - vma->vm_start,
# vma->vm_page_prot); the length in pages (pages=) still agrees with size.

mm m
file dev
page p

ops drv {
  mmap(file, vma) {
    return remap_pfn_range(vma, vma.vm_start, page_to_pfn(p), vma.vm_end - vma.vm_start, vma.vm_page_prot)
  }
}

vma v = mmap(m, 0x800000, pages=1, prot=rw, flags=shared, file=dev, ops=drv)
assert v.vm_flags & VM_PFNMAP
assert v.vm_page_prot == VM_READ | VM_WRITE | VM_SHARED

thread user {
  assert touch(m, 0x800000, write)
}

expect ok
