# Rule vmf_insert_pfn/flags: vmf_insert_pfn() needs exactly one of
# VM_PFNMAP and VM_MIXEDMAP; a plain VMA is a BUG. Rule book 2.4.

mm m
file dev
vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev)
vma ok = mmap(m, 0x200000, pages=1, prot=rw, flags=shared, file=dev, vm=pfnmap)

thread good {
  mmap_read_lock(m)
  assert vmf_insert_pfn(ok, 0x200000, 0x90000) == VM_FAULT_NOPAGE
  mmap_read_unlock(m)
}

thread bad {
  mmap_read_lock(m)
  vmf_insert_pfn(v, 0x100000, 0x90000)
  mmap_read_unlock(m)
}

expect fatal "vmf_insert_pfn/flags" at 17
