# Q: Where do io_remap_pfn_range() and vm_iomap_memory() belong?
# A: Where remap_pfn_range() does, in f_op->mmap: io_remap_pfn_range() is an
#    inline wrapper that fixes up the pfn and the protection and calls
#    remap_pfn_range(), which rewrites vm_flags (VM_IO|VM_PFNMAP|...) and
#    fills the PTEs; vm_iomap_memory() computes the pfn and size from a
#    physical range and vm_pgoff and calls io_remap_pfn_range() over the whole
#    VMA (include/linux/mm.h, mm/memory.c; rule book 2.7).

mm m
file dev

ops bar {
  mmap(file, vma) {
    return io_remap_pfn_range(vma, vma.vm_start, 0xfe000, pages=2)
  }
}

ops regs {
  mmap(file, vma) {
    return vm_iomap_memory(vma, 0xfd000000, 0x2000)
  }
}

vma v = mmap(m, 0x800000, pages=2, prot=rw, flags=shared, file=dev, ops=bar)
assert v.vm_flags & VM_PFNMAP
assert v.vm_flags & VM_IO
vma w = mmap(m, 0x900000, pages=2, prot=rw, flags=shared, file=dev, ops=regs)
assert w.vm_flags & VM_PFNMAP

thread user {
  assert touch(m, 0x800000, read)
  assert touch(m, 0x901000, write)
}

expect ok
