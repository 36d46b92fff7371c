# Q: pin_user_pages_fast() on a range whose second page was never touched:
#    what locks does it take?
# A: The fast walk (IRQs off, no lock) pins the first page and stops at
#    the missing one; the rest goes through the slow path, which takes the
#    mmap lock for read and faults the page in (gup_fast_fallback ->
#    __gup_longterm_locked, FOLL_UNLOCKABLE). So the caller must not hold
#    the mmap lock. mm/gup.c: pin_user_pages_fast().

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)
touch(m, 0x100000, write)
page_array pinned

thread drv {
  n = pin_user_pages_fast(m, 0x100000, pages=2, write=true, array=pinned)
  assert n == 2, "both pages pinned"
}

expect ok
