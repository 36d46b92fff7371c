# Q: May a driver prefault a user range while it holds its spinlock?
# A: No. populate_vma_page_range() and madvise_populate() run GUP, which
#    faults pages in and sleeps (allocation, I/O, the mmap lock when it
#    retries): "sleeping function called from invalid context" on a debug
#    kernel; when a fault really waits, "scheduling while atomic" on any
#    (mm/gup.c: __get_user_pages() -> cond_resched(), handle_mm_fault()).

mm m
spinlock stats_lock
vma v = mmap(m, 0x100000, pages=4, prot=rw)

thread prefault {
  mmap_read_lock(m)
  spin_lock(stats_lock)
  populate_vma_page_range(v, 0x100000, 0x102000)
  madvise_populate(m, 0x102000, 0x104000, MADV_POPULATE_WRITE)
  spin_unlock(stats_lock)
  mmap_read_unlock(m)
}

expect violation "lock/sleep-in-atomic: populate_vma_page_range" at 15
expect violation "lock/sleep-in-atomic: madvise_populate" at 16
