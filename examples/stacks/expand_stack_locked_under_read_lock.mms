# Q: May a fault path grow the stack under the mmap read lock?
# A: Not any more: until 6.4 expand_stack() ran under the read lock, and with
#    the maple tree (6.1) that let it replace tree nodes under concurrent
#    lockless readers: StackRot (CVE-2023-3269). expand_downwards() now
#    asserts the write lock (mmap_assert_write_locked: lockdep, or a WARN
#    when nobody holds it for write), vma_start_write() asserts it too, and
#    the store is reported as StackRot's rule (mm/vma.c: expand_downwards()).

mm m
mmap(m, 0x7f0000, pages=4, prot=rw, flags=growsdown)

thread t {
  mmap_read_lock(m)
  vma v = find_vma(m, 0x7ef000)
  rc = expand_stack_locked(v, 0x7ef000)
  mmap_read_unlock(m)
}

expect violation "mmap_assert_write_locked/not-held" at 15
expect violation "vma_start_write/needs-mmap-write" at 15
expect violation "vma/tree-store-needs-mmap-write" at 15
