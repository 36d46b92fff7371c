# Q: May a fault handler call vm_insert_page on a VMA that is not VM_MIXEDMAP?
# A: No. vm_insert_page would have to set VM_MIXEDMAP, which needs the mmap
#    lock for write, and a fault holds it only for read (or just a VMA lock).
#    The kernel checks with BUG_ON(mmap_read_trylock(mm)): the task oopses
#    holding its locks (mm/memory.c: vm_insert_page(); rule book 2.1).
#    Set VM_MIXEDMAP in f_op->mmap instead (insert_page_from_fault_mixedmap.mms).

mm m
file dev

ops drv {
  fault(vmf) {
    page p = alloc_page()
    vm_insert_page(vmf.vma, vmf.address, p)
    return VM_FAULT_NOPAGE
  }
}

mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=dev, ops=drv)

thread user {
  touch(m, 0x100000, write)
}

expect fatal "without VM_MIXEDMAP needs m->mmap_lock held for write" at 14
