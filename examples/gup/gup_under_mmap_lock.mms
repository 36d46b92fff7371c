# Q: Which GUP call do I use with and without the mmap lock?
# A: get_user_pages() with the mmap lock held for the whole call (it
#    mmap_assert_locked()s, mm/gup.c: __get_user_pages_locked());
#    get_user_pages_unlocked() and get_user_pages_fast() without it: they
#    take mmap_read_lock themselves (the fast one only when its IRQs-off
#    walk misses, falling back to __gup_longterm_locked()). A fault on a VMA
#    the caller already found is handle_mm_fault() under the same lock
#    (mm/memory.c: handle_mm_fault(); GUP's faultin_page() does this).

mm m
vma v = mmap(m, 0x600000, pages=4, prot=rw)

thread locked {
  mmap_read_lock(m)
  assert get_user_pages(m, 0x600000, pages=2, write=true) == 2
  vma f = find_vma(m, 0x603000)
  if f {
    handle_mm_fault(f, 0x603000, flags=write)
  }
  mmap_read_unlock(m)
}

thread unlocked {
  assert get_user_pages_unlocked(m, 0x601000, pages=1) == 1
  assert get_user_pages_fast(m, 0x602000, pages=2) == 2
}

expect ok
