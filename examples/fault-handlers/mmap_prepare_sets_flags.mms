# Q: What may a driver's f_op->mmap_prepare do, and under which locks?
# A: mmap() calls it with the mmap write lock held (vm_mmap_pgoff() took it,
#    mmap_region() asserts it) before any VMA exists (mm/vma.c:
#    __mmap_region() -> call_mmap_prepare()). It sees a struct vm_area_desc:
#    it reads mm, file, start and end, and changes vm_flags
#    (vma_desc_set_flags / vma_desc_clear_flags), pgoff and vm_ops, which the
#    core copies into the mapping when it returns. Then the core merges or
#    allocates the VMA, write-locks it and links it: a fault racing with the
#    mmap finds no VMA or the finished one, never one being set up. No VMA
#    lock is involved, and the hook takes no lock of the mm.

mm m
file dev

ops drv {
  mmap_prepare(desc) {
    assert desc.start == 0x100000 && desc.end == 0x102000
    vma_desc_set_flags(desc, dontcopy | dontexpand)
    vma_desc_clear_flags(desc, mayexec)
    return 0
  }
}

thread mapper {
  vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
  assert v
  assert v.vm_flags & VM_DONTCOPY != 0, "the flags the hook set are the VMA's"
  assert v.vm_flags & VM_MAYEXEC == 0, "the flags the hook cleared are the VMA's"
}

thread user {
  touch(m, 0x101000, write)
}

expect ok
