# Q: May I hold the mmap lock around pin_user_pages_unlocked()?
# A: No: it takes current->mm's mmap lock itself (mm/gup.c:
#    pin_user_pages_unlocked() -> __gup_longterm_locked() with locked = 0:
#    mmap_read_lock_killable()), and may drop and re-take it around a fault
#    (FOLL_UNLOCKABLE). Call it with no mmap lock held; the pages come back
#    pinned, released with unpin_user_pages(). Holding the lock:
#    pin_user_pages_unlocked_under_mmap_lock.mms.

mm m
mmap(m, 0x100000, pages=2, prot=rw)
page_array pages

thread dma {
  n = pin_user_pages_unlocked(0x100000, 2, pages, FOLL_WRITE | FOLL_LONGTERM)
  assert n == 2 && !lockdep_is_held(current_mm().mmap_lock)
  unpin_user_pages(pages, n)
}

expect ok
