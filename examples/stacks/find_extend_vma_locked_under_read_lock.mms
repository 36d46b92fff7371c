# Q: Is the mmap read lock enough for find_extend_vma_locked()?
# A: No: like expand_stack_locked() it may grow the stack VMA, which moves
#    vm_start in the VMA tree; the caller holds the mmap lock for write
#    (mm/mmap.c: find_extend_vma_locked(); mm/vma.c: expand_downwards()
#    asserts it).

mm m
mmap(m, 0x7f0000, pages=4, prot=rw, flags=growsdown)

thread t {
  mmap_read_lock(m)
  vma w = find_extend_vma_locked(m, 0x7ee000)
  mmap_read_unlock(m)
}

expect violation "mmap_assert_write_locked/not-held" at 12
expect violation "vma_start_write/needs-mmap-write" at 12
expect violation "vma/tree-store-needs-mmap-write" at 12
