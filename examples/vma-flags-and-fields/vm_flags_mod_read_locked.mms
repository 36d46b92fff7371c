# Q: May I call vm_flags_mod() under the mmap read lock, or
#    __vm_flags_mod() on a VMA that is already mapped?
# A: No. vm_flags_mod() -> vma_start_write() -> mmap_assert_write_locked()
#    (include/linux/mm.h, include/linux/mmap_lock.h): a WARN, and the store
#    races with a fault under the VMA read lock. __vm_flags_mod() is
#    vm_flags_init(), for a VMA nobody sees yet: on a live one it checks
#    nothing and races with every reader of vm_flags.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread t {
  mmap_read_lock(m)
  vm_flags_mod(v, VM_DONTCOPY, 0)
  mmap_read_unlock(m)
  mmap_write_lock(m)
  __vm_flags_mod(v, VM_DONTDUMP, 0)
  mmap_write_unlock(m)
}

expect violation "vm_flags/needs-mmap-write" at 14
expect violation "vma-field/vm_flags-init" at 17
