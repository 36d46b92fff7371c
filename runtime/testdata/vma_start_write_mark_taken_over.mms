# vma_start_write() on a VMA another task marked in the current
# mm_lock_seq: __is_vma_write_locked() is true, so it returns at once.
# Thread b marks v without the mmap lock (the WARN); when that happens
# while a holds the mmap write lock, a's own vma_start_write finds the
# mark and goes on, and the VMA is write-locked for a, as
# vma_assert_write_locked() (vm_lock_seq == mm_lock_seq) says. When the
# mark was a lock b held, a waited for b, which had exited: a deadlock no
# kernel has.

mm m
vma v = mmap(m, 0x300000, pages=1, prot=rw)

thread a {
  mmap_write_lock(m)
  vma_start_write(v)
  vma_assert_write_locked(v)
  mmap_write_unlock(m)
}

thread b {
  vma_start_write(v)
}

expect violation "vma_start_write/needs-mmap-write" at 21 always
expect deadlock never
