# Q: UFFDIO_REGISTER on part of a VMA while another thread faults on the
#    rest of it: which locks does the registration take?
# A: The mmap write lock, then vma_modify_flags_uffd() splits the VMA to
#    the range (vma_start_write() on the VMA it splits, waiting for the
#    fault's VMA read lock), and userfaultfd_set_ctx() write-locks the
#    piece before it stores vma->vm_userfaultfd_ctx and the VM_UFFD_*
#    flags (fs/userfaultfd.c: userfaultfd_register(); mm/userfaultfd.c:
#    userfaultfd_register_range(), userfaultfd_set_ctx()). The rule book
#    calls the field vm_uffd_state: mmap write lock + VMA write lock.

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
ctx = userfaultfd(m)

thread monitor {
  assert userfaultfd_register(ctx, 0x102000, 0x2000, UFFDIO_REGISTER_MODE_MISSING) == 0
  mmap_read_lock(m)
  v = find_vma(m, 0x102000)
  assert v.vm_start == 0x102000 && v.vm_end == 0x104000
  assert v.vm_userfaultfd_ctx == ctx && v.vm_flags & VM_UFFD_MISSING != 0
  w = find_vma(m, 0x100000)
  assert w.vm_end == 0x102000 && !w.vm_userfaultfd_ctx
  mmap_read_unlock(m)
}

thread faulter {
  assert touch(m, 0x100000, write)  # the part that stays unregistered
}

expect ok
