# A store to a field, as kernel C writes it (vma->vm_flags = newflags,
# vma->vm_policy = new), is the kernel's setter of that field
# (vm_flags_reset, vma_replace_policy) with its row's checks; under the
# mmap write lock and the VMA write lock it is clean, and reads see it.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=private)

thread t {
  mmap_write_lock(m)
  vma_start_write(v)
  newflags = v.vm_flags | VM_LOCKED
  v.vm_flags = newflags
  assert v.vm_flags & VM_LOCKED != 0
  v.vm_flags &= ~VM_LOCKED
  assert v.vm_flags & VM_LOCKED == 0, "x.f &= v is x.f = x.f & (v)"
  v.vm_policy = MPOL_INTERLEAVE
  assert v.vm_policy == MPOL_INTERLEAVE
  mmap_write_unlock(m)
}

expect ok
