# Q: When may a driver write a VMA's fields without any lock?
# A: While the VMA is being set up and nobody else can see it: in
#    f_op->mmap the new VMA is not yet in the VMA tree nor in the rmap, so
#    vm_flags_init() (a plain store) and vma_set_anonymous() (vm_ops =
#    NULL, as /dev/zero's mmap_zero() does for a private mapping) need no
#    lock. (include/linux/mm.h: vm_flags_init(), vma_set_anonymous();
#    Documentation/mm/process_addrs.rst, VMA fields)

mm m
file zero

ops zero_ops {
  mmap(file, vma) {
    vm_flags_init(vma, vma.vm_flags | VM_DONTCOPY)
    vma_set_anonymous(vma)
  }
}

vma v = mmap(m, 0x100000, pages=2, prot=rw, file=zero, ops=zero_ops)

thread t {
  assert v.vm_flags & VM_DONTCOPY != 0
  assert !v.vm_ops
}

expect ok
