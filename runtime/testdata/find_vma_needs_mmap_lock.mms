# Rule find_vma/needs-mmap-lock: find_vma() asserts mmap_assert_locked().
# Rule book 2.14.

mm m
mmap(m, 0x500000, pages=4, prot=rw)

thread t {
  vma a = find_vma(m, 0x400000)
  mmap_read_lock(m)
  vma b = find_vma(m, 0x400000)  # fine; returns the VMA above the address
  assert b.vm_start == 0x500000
  mmap_read_unlock(m)
}

expect violation "find_vma/needs-mmap-lock" at 8
