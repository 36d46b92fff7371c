# Q: How does a driver map an array of kernel pages into user space?
# A: With vm_map_pages() from f_op->mmap: the mmap write lock is held and the
#    VMA is not visible yet, so vm_insert_pages() may set VM_MIXEDMAP itself.
#    vma->vm_pgoff indexes the array (vm_map_pages_zero() ignores it); a VMA
#    larger than what is left of the array fails with -ENXIO before anything
#    is mapped (mm/memory.c: __vm_map_pages(); rule book 2.3).

mm m
file dev
page a = alloc_page()
page b = alloc_page()

ops drv {
  mmap(file, vma) {
    return vm_map_pages(vma, a, b)
  }
}

ops drv_zero {
  mmap(file, vma) {
    return vm_map_pages_zero(vma, a)
  }
}

vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
assert v.vm_flags & VM_MIXEDMAP
vma z = mmap(m, 0x200000, pages=1, prot=rw, flags=shared, file=dev, pgoff=7, ops=drv_zero)
assert z.vm_flags & VM_MIXEDMAP

thread user {
  assert touch(m, 0x100000, write)
  assert touch(m, 0x101000, read)
  assert touch(m, 0x200000, read)
}

expect ok
