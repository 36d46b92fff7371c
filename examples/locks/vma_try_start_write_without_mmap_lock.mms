# Q: vma_try_start_write() never waits. Does it need the mmap write lock?
# A: Yes, as vma_start_write() does: the VMA write lock is the mark the
#    mmap write lock's holder puts on a VMA (vm_lock_seq set to the mm's
#    sequence count), and it ends when that lock is released; without the
#    lock, __is_vma_write_locked() asserts (mmap_assert_write_locked()).

mm m
file f
vma v = mmap(m, 0x200000, pages=4, prot=r, flags=shared, file=f)

thread khugepaged {
  i_mmap_lock_write(f)
  vma_try_start_write(v)
  i_mmap_unlock_write(f)
}

expect violation "vma_start_write/needs-mmap-write" at 13
