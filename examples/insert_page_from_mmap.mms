# Q: How do I pre-populate a driver mapping with vm_insert_page?
# A: From f_op->mmap. The kernel holds the mmap lock for write there and the
#    new VMA is not yet visible, so vm_insert_page may set VM_MIXEDMAP itself
#    (mm/memory.c: vm_insert_page(); rule book 2.1 and 2.28).

mm m
file dev

ops drv {
  mmap(file, vma) {
    page p = alloc_page()
    assert vm_insert_page(vma, vma.vm_start, p) == 0
    return 0
  }
}

vma v = mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=dev, ops=drv)
assert v.vm_flags & VM_MIXEDMAP, "vm_insert_page set VM_MIXEDMAP"

thread user {
  assert touch(m, 0x100000, read)
}

expect ok
