# Q: Can I use vm_flags_init() or vma_set_anonymous() on a VMA that is
#    already mapped, under the mmap write lock?
# A: No. Both are for a VMA nobody sees yet; neither takes or asserts a
#    lock, so the kernel says nothing, but a fault under the VMA read lock
#    or an rmap walker reads vm_flags and vm_ops meanwhile (vm_ops decides
#    vma_is_anonymous() in the fault path). Use vma_start_write() and
#    vm_flags_reset(), or vm_flags_set(). (include/linux/mm.h;
#    Documentation/mm/process_addrs.rst, VMA fields: vm_ops is written once,
#    at map time)

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread t {
  mmap_write_lock(m)
  vma_start_write(v)
  vm_flags_init(v, v.vm_flags | VM_DONTCOPY)
  vma_set_anonymous(v)
  mmap_write_unlock(m)
}

expect violation "vma-field/vm_flags-init" at 17
expect violation "vma-field/vm_ops" at 18
