# Q: Can vma_set_atomic_flag() set any flag, from anywhere?
# A: No. Without the mmap lock or the VMA's lock the VMA may be split,
#    merged or freed under the caller: vma_assert_stabilised() warns
#    (VM_WARN_ON_ONCE_VMA, CONFIG_DEBUG_VM). A bit outside
#    VM_ATOMIC_SET_ALLOWED is refused with WARN_ON_ONCE and not set: other
#    flags need vm_flags_set() under the mmap write lock.
#    (include/linux/mm.h: vma_set_atomic_flag())

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread t {
  vma_set_atomic_flag(v, maybe_guard)
  mmap_read_lock(m)
  vma_set_atomic_flag(v, dontcopy)
  mmap_read_unlock(m)
  assert v.vm_flags & VM_DONTCOPY == 0
}

expect violation "vma_set_atomic_flag/not-stabilised" at 13
expect violation "vma_set_atomic_flag/bit-not-allowed" at 15
