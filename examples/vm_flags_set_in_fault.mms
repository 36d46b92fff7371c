# Q: May a fault handler change vm_flags?
# A: No: vm_flags_set needs the mmap lock for write (it takes the VMA write
#    lock, which asserts it). Set flags in f_op->mmap (rule book 2.16).

mm m
file dev

ops drv {
  mmap(file, vma) {
    vm_flags_set(vma, VM_DONTEXPAND)
  }
  fault(vmf) {
    vm_flags_set(vmf.vma, VM_DONTDUMP)
    return VM_FAULT_SIGBUS
  }
}

mmap(m, 0x100000, pages=1, prot=r, flags=shared, file=dev, ops=drv)

thread user {
  touch(m, 0x100000, read)
}

expect violation "vm_flags/needs-mmap-write" at 13
