# Q: May I call get_user_pages() or handle_mm_fault() without the mmap lock?
# A: No: get_user_pages() walks VMAs that munmap may free meanwhile, and it
#    asserts the lock (mm/gup.c: __get_user_pages_locked() ->
#    mmap_assert_locked()); handle_mm_fault() needs the mmap read lock or,
#    with FAULT_FLAG_VMA_LOCK, the VMA read lock (mm/memory.c:
#    handle_mm_fault(); callers: arch fault handlers, GUP's faultin_page()).
#    get_user_pages_fast() must not be called with the lock held: its
#    fallback takes mmap_read_lock again (might_lock_read()).

mm m
vma v = mmap(m, 0x600000, pages=4, prot=rw)

thread pinner {
  get_user_pages(m, 0x600000, pages=1)
  handle_mm_fault(v, 0x601000, flags=write)
  mmap_read_lock(m)
  get_user_pages_fast(m, 0x602000, pages=1)
  mmap_read_unlock(m)
}

expect violation "mmap_assert_locked/not-held" at 14
expect violation "vma_lookup/unstable-result" at 14
expect violation "handle_mm_fault/needs-fault-lock" at 14
expect violation "handle_mm_fault/needs-fault-lock" at 15
expect violation "get_user_pages_unlocked/mmap-lock-held" at 17
expect violation "lock/recursive" at 17
