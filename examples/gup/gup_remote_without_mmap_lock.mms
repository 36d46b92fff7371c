# Q: Can I call get_user_pages_remote(), pin_user_pages_remote() or
#    pin_user_pages() without the mmap lock, since they fault pages in?
# A: No: they expect the caller to hold it (*locked == 1);
#    __get_user_pages_locked() asserts it with mmap_assert_locked(), a WARN
#    on every kernel when nobody holds the lock (mm/gup.c). Only
#    get_user_pages_unlocked() and get_user_pages_fast() take it themselves.

mm m
mmap(m, 0x100000, pages=2, prot=rw)
page_array pinned

thread driver {
  get_user_pages_remote(m, 0x100000, pages=1)
  pin_user_pages_remote(m, 0x100000, pages=1, array=pinned)
  pin_user_pages(m, 0x101000, pages=1, array=pinned)
}

expect violation "mmap_assert_locked/not-held" at 13
expect violation "mmap_assert_locked/not-held" at 14
expect violation "mmap_assert_locked/not-held" at 15
# and what the unlocked walk goes on to do:
expect violation "vma_lookup/unstable-result" at 13
expect violation "vma_lookup/unstable-result" at 14
expect violation "vma_lookup/unstable-result" at 15
expect violation "handle_mm_fault/needs-fault-lock" at 13
expect violation "handle_mm_fault/needs-fault-lock" at 15
