# Rule vm_flags/needs-mmap-write: vm_flags_set/vm_flags_clear need the mmap
# lock for write (they take the VMA write lock, which asserts it).
# Rule book 2.16, 6.2.

mm m
vma v = mmap(m, 0x300000, pages=1, prot=rw)

thread t {
  mmap_read_lock(m)
  vm_flags_clear(v, VM_DONTDUMP)
  mmap_read_unlock(m)
}

expect violation "vm_flags/needs-mmap-write" at 10
