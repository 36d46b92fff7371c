# Q: How do I set some vm_flags and clear others at once?
# A: vm_flags_mod(vma, set, clear) under the mmap write lock on a live VMA:
#    it vma_start_write()s (waiting for the VMA's readers) and stores
#    (vm_flags | set) & ~clear (include/linux/mm.h: "Use only when the
#    order of set/clear operations is unimportant"). On a VMA nobody sees
#    yet (->mmap), __vm_flags_mod() does the same with no lock.

mm m
file dev

ops drv {
  mmap(file, vma) {
    __vm_flags_mod(vma, VM_IO | VM_DONTEXPAND, VM_MAYEXEC)
    return 0
  }
}

vma v = mmap(m, 0x100000, pages=2, prot=rw)
vma d = mmap(m, 0x300000, pages=1, prot=rw, flags=shared, file=dev, ops=drv)

thread t {
  mmap_write_lock(m)
  vm_flags_mod(v, VM_DONTCOPY | VM_DONTDUMP, VM_MAYEXEC)
  assert v.vm_flags & VM_DONTCOPY != 0
  assert v.vm_flags & VM_MAYEXEC == 0
  assert d.vm_flags & VM_IO != 0
  mmap_write_unlock(m)
}

thread fault {
  touch(m, 0x100000, write)  # under the VMA read lock: vm_flags_mod waits for it
}

expect ok
