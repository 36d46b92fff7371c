# Q: What do expand_stack_locked() and find_extend_vma_locked() need?
# A: The mmap lock for write: expand_downwards() asserts it, write-locks the
#    VMA (vma_start_write) and the anon_vma, and moves vm_start in the VMA
#    tree. find_extend_vma_locked() finds the VMA at or above the address and
#    grows it if it is a stack below the address (mm/mmap.c,
#    mm/vma.c: expand_downwards()).

mm m
vma stack = mmap(m, 0x7f0000, pages=4, prot=rw, flags=growsdown)

thread t {
  mmap_write_lock(m)
  vma v = find_vma(m, 0x7ef000)
  assert expand_stack_locked(v, 0x7ef000) == 0, "grew"
  vma w = find_extend_vma_locked(m, 0x7ee000)
  assert w == stack && w.vm_start == 0x7ee000, "grew again"
  mmap_write_unlock(m)
}

thread reader {
  mmap_read_lock(m)
  vma s = find_vma(m, 0x7f0000)
  mmap_read_unlock(m)
}

expect ok
