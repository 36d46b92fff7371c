# Q: What must a caller of move_page_tables() hold?
# A: The mmap lock for write and the VMA write lock of both VMAs (mremap's
#    move_vma and copy_vma take them; so does the exec stack shift): the
#    entries move under faults that would otherwise run under the VMA read
#    lock. move_page_tables takes the rmap locks (take_rmap_locks) and the
#    PTLs itself.

mm m
file f
vma old = mmap(m, 0x200000, pages=2, prot=rw, flags=shared, file=f)
vma new = mmap(m, 0x600000, pages=2, prot=rw, flags=shared, file=f)
touch(m, 0x200000, write)

thread t {
  mmap_write_lock(m)
  vma_start_write(old)
  vma_start_write(new)
  pmc = pagetable_move(old, new, 0x200000, 0x600000, 0x2000, need_rmap_locks=true)
  moved = move_page_tables(pmc)
  assert moved == 0x2000
  mmap_write_unlock(m)
  assert touch(m, 0x600000, read)
}

expect ok
