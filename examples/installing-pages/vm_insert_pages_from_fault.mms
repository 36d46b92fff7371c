# Q: May a fault handler insert a batch with vm_insert_pages()?
# A: Not on a VMA that is not VM_MIXEDMAP yet: vm_insert_pages() would set
#    VM_MIXEDMAP, which needs the mmap write lock, and a fault holds the read
#    lock or only the VMA lock; the kernel checks with
#    BUG_ON(mmap_read_trylock(vma->vm_mm)) and the task oopses (mm/memory.c:
#    vm_insert_pages()). Insert in f_op->mmap, or set VM_MIXEDMAP there.

mm m
file dev
page a = alloc_page()
page b = alloc_page()

ops drv {
  fault(vmf) {
    vm_insert_pages(vmf.vma, vmf.vma.vm_start, a, b)
    return VM_FAULT_NOPAGE
  }
}

mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)

thread user {
  touch(m, 0x100000, read)
}

expect fatal "vm_insert_page/not-mixedmap-needs-mmap-write" at 15
