# Q: Is the mmap read lock enough to grow the heap by hand, since nothing
#    else maps at the break?
# A: No. do_brk_flags() changes the VMA tree and write-locks the VMA it
#    expands or adds: vma_start_write() asserts the mmap write lock
#    (include/linux/mmap_lock.h: __vma_raw_mm_seqnum() ->
#    mmap_assert_write_locked(): lockdep, else WARN_ON when nobody holds
#    it for write). Two such growers under the read lock would also race on
#    mm->brk.

mm m

thread grow {
  mmap_read_lock(m)
  oldbrk = m.brk
  newbrk = oldbrk + 2 * PAGE_SIZE
  brkvma = vma_prev_limit(m, oldbrk, m.start_brk)
  do_brk_flags(m, brkvma, oldbrk, newbrk - oldbrk, 0)
  mm_set_brk(m, newbrk)
  mmap_read_unlock(m)
}

expect violation "vma_start_write/needs-mmap-write: do_brk_flags" at 17
