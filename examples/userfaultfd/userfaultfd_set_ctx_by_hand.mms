# Q: Setting a VMA's userfaultfd context by hand, as userfaultfd_set_ctx()
#    does: which locks?
# A: The mmap write lock and the VMA write lock (vma_start_write()) before
#    the store of vma->vm_userfaultfd_ctx (the rule book's vm_uffd_state)
#    and the VM_UFFD_* flags: faults under the VMA read lock read both
#    (mm/userfaultfd.c: userfaultfd_set_ctx()).

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw, flags=private)
mmap(m, 0x200000, pages=4, prot=r, flags=private)  # another VMA, for the faulter
ctx = userfaultfd(m)

thread monitor {
  mmap_write_lock(m)
  vma_start_write(v)
  v.vm_userfaultfd_ctx = ctx
  vm_flags_reset(v, v.vm_flags | VM_UFFD_MISSING)
  mmap_write_unlock(m)
}

thread faulter {
  assert touch(m, 0x200000, read)  # an unregistered VMA: handle_userfault() does not wait
}

expect ok
