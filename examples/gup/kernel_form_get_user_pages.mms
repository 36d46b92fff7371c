# Q: I call get_user_pages() and pin_user_pages() as the kernel declares
#    them, on current->mm with FOLL_* flags. Which lock?
# A: current->mm's mmap lock, held across the call: both run
#    __get_user_pages_locked() with *locked == 1, which asserts it
#    (mmap_assert_locked()) and never drops it (mm/gup.c: get_user_pages(),
#    pin_user_pages()). Pass the kernel's arguments: (start, nr_pages,
#    gup_flags, pages); current->mm is the script's mm. Pages from
#    get_user_pages() are put with put_page(), pinned ones with
#    unpin_user_pages(). get_user_pages_unlocked(start, nr_pages, pages,
#    gup_flags) and get_user_pages_fast(start, nr_pages, gup_flags, pages)
#    take the lock themselves, so the caller must not hold it.

mm m
mmap(m, 0x100000, pages=4, prot=r, flags=private)
mmap(m, 0x200000, pages=4, prot=rw)
page_array got
page_array pinned
page_array fast

thread ptracer {
  mmap_read_lock(m)
  # a write through a read-only private mapping, as ptrace pokes one
  n = get_user_pages(0x100000, 1, FOLL_WRITE | FOLL_FORCE, got)
  assert n == 1
  assert pin_user_pages(0x200000, 2, FOLL_WRITE | FOLL_LONGTERM, pinned) == 2
  mmap_read_unlock(m)
  put_page(got[0])
  unpin_user_pages(pinned, 2)
  assert get_user_pages_unlocked(0x202000, 1, fast, FOLL_WRITE) == 1
  put_page(fast[0])
  assert get_user_pages_fast(0x203000, 1, FOLL_WRITE, fast) == 1
  put_page(fast[0])
}

expect ok
