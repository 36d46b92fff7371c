# Rule remap_pfn_range/pte-not-none: remap_pfn_range() only fills empty
# PTEs; BUG_ON(!pte_none()) otherwise. A driver's f_op->mmap that remaps
# the same range twice oopses, and the task dies in mmap() holding the
# mmap write lock. Rule book 2.7.

mm m
file dev

ops drv {
  mmap(file, vma) {
    remap_pfn_range(vma, vma.vm_start, 0x80000, pages=1)
    return remap_pfn_range(vma, vma.vm_start, 0x80000, pages=1)
  }
}

thread t {
  mmap(m, 0x800000, pages=1, prot=rw, flags=shared, file=dev, ops=drv)
}

expect fatal "remap_pfn_range/pte-not-none" at 12
