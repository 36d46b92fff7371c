# Q: May a driver's worker insert entries with vmf_insert_pfn_prot() or
#    vmf_insert_mixed_mkwrite() outside a fault, with no mm lock?
# A: No: like every vmf_insert_*() helper they install PTEs, which needs
#    the mmap lock or the VMA read lock; without either munmap may free the
#    VMA and its page tables meanwhile, and mm/memory.c checks nothing
#    (vmf_insert_pfn_prot(): only the BUG_ON()s on the VMA's flags). And
#    vmf_insert_pfn_prot() keeps vmf_insert_pfn()'s BUG_ON()s: a VMA with
#    neither VM_PFNMAP nor VM_MIXEDMAP is a BUG.

mm m
file gpu
file pmem

vma bo = mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=gpu, vm=pfnmap | io)
vma dax = mmap(m, 0x400000, pages=1, prot=rw, flags=shared, file=pmem, vm=mixedmap)
vma plain = mmap(m, 0x600000, pages=1, prot=rw, flags=shared, file=gpu)

thread worker {
  vmf_insert_pfn_prot(bo, 0x100000, 0xfe000, pgprot_writecombine(bo.vm_page_prot))
  vmf_insert_mixed_mkwrite(dax, 0x400000, 0xfd000)
}

thread other {
  mmap_read_lock(m)
  vmf_insert_pfn_prot(plain, 0x600000, 0xfc000, plain.vm_page_prot)
  mmap_read_unlock(m)
}

expect violation "vmf_insert/needs-fault-lock" at 19
expect violation "vmf_insert/needs-fault-lock" at 20
expect fatal "vmf_insert_pfn/flags" at 25
