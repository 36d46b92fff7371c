# Q: How does a fault handler map device memory (pfns without struct page,
#    or with) one page at a time?
# A: vmf_insert_pfn() on a VM_PFNMAP VMA, vmf_insert_mixed() on a
#    VM_MIXEDMAP one, both under the fault's lock (mmap read or VMA read
#    lock), which is enough to install PTEs; they return VM_FAULT_NOPAGE
#    (mm/memory.c: vmf_insert_pfn_prot(), vmf_insert_mixed()). The flags are
#    set at mmap time.

mm m
file dev

ops pfn_drv {
  fault(vmf) {
    return vmf_insert_pfn(vmf.vma, vmf.address, 0xfe000 + vmf.pgoff)
  }
}

ops mixed_drv {
  fault(vmf) {
    return vmf_insert_mixed(vmf.vma, vmf.address, 0xfd000 + vmf.pgoff)
  }
}

mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, vm=pfnmap | io, ops=pfn_drv)
mmap(m, 0x300000, pages=2, prot=rw, flags=shared, file=dev, vm=mixedmap, ops=mixed_drv)

thread user {
  assert touch(m, 0x101000, write)
  assert touch(m, 0x300000, read)
}

expect ok
