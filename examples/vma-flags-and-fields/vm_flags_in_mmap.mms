# Q: Where may a driver change vma->vm_flags?
# A: In f_op->mmap, which runs under the mmap write lock on a VMA no one else
#    sees yet: vm_flags_set() and vm_flags_clear() call vma_start_write(),
#    which asserts the mmap write lock (mmap_assert_write_locked()) and
#    waits for the VMA's readers (include/linux/mm.h: vm_flags_set(),
#    vm_flags_clear()). Elsewhere: take mmap_write_lock(), then the same
#    calls. A reader that already holds the mmap lock may pin one VMA with
#    vma_start_read_locked() and keep it after dropping the mmap lock
#    (include/linux/mmap_lock.h: vma_start_read_locked(),
#    mmap_assert_locked()).

mm m
file dev

ops drv {
  mmap(file, vma) {
    vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP)
    vm_flags_clear(vma, VM_MAYEXEC)
    return 0
  }
}

vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)

thread admin {
  mmap_write_lock(m)
  vma_start_write(v)
  vm_flags_clear(v, VM_DONTDUMP)
  mmap_write_unlock(m)
}

thread reader {
  mmap_read_lock(m)
  vma_start_read_locked(v)
  mmap_read_unlock(m)
  assert v.vm_start == 0x100000
  vma_end_read(v)
}

expect ok
