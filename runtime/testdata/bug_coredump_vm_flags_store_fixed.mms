# CVE-2019-11599 fixed (04f5866e41fb: mmget_still_valid() under the mmap
# write lock), with the store write-locking the VMA first as the kernel
# modelled needs (vma_start_write; before v6.4 the mmap write lock was
# enough).
mm m
mmap(m, 0x100000, pages=2, prot=rw, flags=private, vm=uffd_missing)
mmap(m, 0x300000, pages=2, prot=r, flags=private)

thread dumper {
  do_coredump(m)
}

# v5.1 fs/userfaultfd.c: userfaultfd_release() with mmget_still_valid()
thread uffd {
  if mmget_not_zero(m) {
    mmap_write_lock(m)
    if mmget_still_valid(m) {  # 04f5866e41fb: goto skip_mm
      for vma in vmas(m) {
        if vma.vm_flags & VM_UFFD_MISSING != 0 {
          vma_start_write(vma)
          vma.vm_flags = vma.vm_flags & ~VM_UFFD_MISSING
        }
      }
    }
    mmap_write_unlock(m)
    mmput(m)
  }
}

expect ok
