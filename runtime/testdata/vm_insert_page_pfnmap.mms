# Rule vm_insert_page/pfnmap: vm_insert_page() on a VM_PFNMAP VMA is a
# BUG (a struct-page insert into a raw-PFN mapping). Here a driver's
# f_op->mmap remaps one page, then inserts a page next to it.
# Rule book 2.1, 2.7.

mm m
file dev

ops drv {
  mmap(file, vma) {
    page p = alloc_page()
    remap_pfn_range(vma, vma.vm_start, 0x80000, pages=1)
    return vm_insert_page(vma, vma.vm_start + PAGE_SIZE, p)
  }
}

thread t {
  mmap(m, 0x800000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
}

expect fatal "vm_insert_page/pfnmap" at 13
