# Q: What if get_user_pages() runs without the mmap lock, or a caller
#    passes GUP's internal flags?
# A: get_user_pages() walks VMAs that munmap may free meanwhile:
#    __get_user_pages_locked() asserts the lock (mmap_assert_locked()).
#    FOLL_PIN, FOLL_TOUCH, FOLL_REMOTE, FOLL_UNLOCKABLE, FOLL_TRIED and
#    FOLL_FAST_ONLY are GUP's own (mm/internal.h: INTERNAL_GUP_FLAGS):
#    is_valid_gup_args() warns and the call fails, pin_user_pages() with 0
#    (mm/gup.c). The fixed form: kernel_form_get_user_pages.mms.

mm m
mmap(m, 0x100000, pages=4, prot=r, flags=private)
page_array got

thread ptracer {
  n = get_user_pages(0x100000, 1, FOLL_WRITE | FOLL_FORCE, got)
  mmap_read_lock(m)
  assert pin_user_pages(0x101000, 1, FOLL_PIN | FOLL_LONGTERM, got) == 0
  mmap_read_unlock(m)
}

expect violation "mmap_assert_locked/not-held" at 15
expect violation "vma_lookup/unstable-result" at 15
expect violation "handle_mm_fault/needs-fault-lock" at 15
expect violation "kernel/WARN_ON: WARN_ON_ONCE" at 17
