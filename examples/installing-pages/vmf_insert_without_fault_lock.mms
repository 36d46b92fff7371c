# Q: May I call the vmf_insert_*() helpers outside a fault, or with the
#    wrong VMA flags?
# A: They install PTEs, which needs the mmap lock or the VMA read lock (a
#    fault has one): without either, munmap may free the tables meanwhile
#    (unchecked). vmf_insert_pfn() also insists on exactly one of VM_PFNMAP
#    and VM_MIXEDMAP: mm/memory.c: vmf_insert_pfn_prot() BUG_ON(!(vma->vm_flags
#    & (VM_PFNMAP|VM_MIXEDMAP))) and BUG_ON((vma->vm_flags & (VM_PFNMAP|
#    VM_MIXEDMAP)) == (VM_PFNMAP|VM_MIXEDMAP)).

mm m
file dev

ops drv {
  fault(vmf) {
    return vmf_insert_pfn(vmf.vma, vmf.address, 0xfe000)
  }
}

vma mixed = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, vm=mixedmap)
mmap(m, 0x300000, pages=1, prot=rw, flags=shared, file=dev, ops=drv)

thread outside {
  vmf_insert_mixed(mixed, 0x100000, 0xfd000)
}

thread user {
  touch(m, 0x300000, read)
}

expect violation "vmf_insert/needs-fault-lock" at 23
expect fatal "vmf_insert_pfn/flags" at 15
