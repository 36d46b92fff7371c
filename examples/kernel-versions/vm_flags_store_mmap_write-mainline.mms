# The 5.15 store of vm_flags under the mmap write lock alone
# (vm_flags_store_mmap_write-5.15.mms) on mainline: since per-VMA locks
# (v6.4) a fault under lock_vma_under_rcu() reads vm_flags without the
# mmap lock, so vm_flags_reset() asserts the VMA write lock too
# (vma_assert_write_locked(): VM_WARN_ON_ONCE_VMA, debug-only).
kernel mainline

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread t {
  mmap_write_lock(m)
  v.vm_flags = v.vm_flags | VM_LOCKED
  mmap_write_unlock(m)
}

expect violation "vma-field/vm_flags" at 13
