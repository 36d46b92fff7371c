# Q: Which locks does brk() take when it grows or shrinks the heap?
# A: The mmap write lock. Growing: do_brk_flags() expands the heap VMA in
#    place after vma_start_write() (vma_expand) or links a new write-locked
#    VMA. Shrinking: do_vmi_align_munmap() with unlock=true, as munmap():
#    gather and detach under the write lock, then mmap_write_downgrade()
#    and the zap under the read lock. A fault on the heap runs under the VMA
#    read lock and is excluded by the VMA write lock. (mm/mmap.c:
#    SYSCALL_DEFINE1(brk); mm/vma.c: do_brk_flags())

mm m
b = m.brk

thread heap {
  assert brk(m, b + 2 * PAGE_SIZE) == b + 2 * PAGE_SIZE
  assert touch(m, b + PAGE_SIZE, write)
  assert brk(m, b + PAGE_SIZE) == b + PAGE_SIZE
  assert m.brk == b + PAGE_SIZE
}

thread user {
  touch(m, b, read)  # may fault on the heap or find nothing there yet
}

expect ok
