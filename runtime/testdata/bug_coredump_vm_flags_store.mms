# CVE-2019-11599 with userfaultfd_release()'s store as v5.0 wrote it
# (vma->vm_flags = new_flags under the mmap write lock, no
# mmget_still_valid()): the store changes a VMA the core dump is reading,
# and in the kernel modelled (per-VMA locks) it also lacks vma_start_write.
mm m
mmap(m, 0x100000, pages=2, prot=rw, flags=private, vm=uffd_missing)
mmap(m, 0x300000, pages=2, prot=r, flags=private)

thread dumper {
  do_coredump(m)
}

# v5.0 fs/userfaultfd.c: userfaultfd_release()
thread uffd {
  if mmget_not_zero(m) {
    mmap_write_lock(m)
    for vma in vmas(m) {
      if vma.vm_flags & VM_UFFD_MISSING != 0 {
        vma.vm_flags = vma.vm_flags & ~VM_UFFD_MISSING  # vma->vm_flags = new_flags
      }
    }
    mmap_write_unlock(m)
    mmput(m)
  }
}

expect violation "coredump/vma-changed-during-dump: vm_flags_reset" at 19 sometimes
expect violation "vma-field/vm_flags" at 19
