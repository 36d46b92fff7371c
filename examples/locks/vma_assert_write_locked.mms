# Q: Does the mmap write lock count as the VMA write lock for
#    vma_assert_write_locked()?
# A: No: the VMA is write-locked only once vma_start_write() has run on it
#    in this mmap write section (vm_lock_seq == mm_lock_seq); until then
#    page faults still run on it under the VMA read lock. The assertion
#    (copy_page_range, dup_anon_vma) fires on debug kernels only.

mm m
vma v = mmap(m, 0x200000, pages=2, prot=rw)
vma w = mmap(m, 0x400000, pages=2, prot=rw)

thread t {
  mmap_write_lock(m)
  vma_start_write(v)
  vma_assert_write_locked(v)
  vma_assert_write_locked(w)
  mmap_write_unlock(m)
}

expect violation "vma/faults-need-vma-write-lock" at 16
