# Before per-VMA locks (v6.4) and the vm_flags wrappers (v6.3), a VMA's
# flags were written as C stores them, under the mmap write lock alone
# (mm/mlock.c (5.15): mlock_fixup(): vma->vm_flags = newflags). Nothing
# else read them without that lock, so the store is correct in 5.15;
# vm_flags_store_mmap_write-mainline.mms is the same store on mainline,
# where faults under the VMA read lock read vm_flags too.
kernel 5.15

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread t {
  mmap_write_lock(m)
  v.vm_flags = v.vm_flags | VM_LOCKED
  mmap_write_unlock(m)
}

expect ok
