# Q: What must I hold around pin_user_pages()?
# A: current->mm's mmap lock, read or write, for the whole call: it
#    passes no `locked`, so __get_user_pages_locked() asserts the lock
#    (mmap_assert_locked) and no fault may drop it (mm/gup.c:
#    pin_user_pages(), __gup_longterm_locked()). A driver's ->fault then
#    sees no FAULT_FLAG_ALLOW_RETRY and must not release the lock.

mm m
file dev

ops drv {
  fault(vmf) {
    assert !vmf.allow_retry
    page p = alloc_page()
    return p
  }
}

mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
page_array pinned  # is_valid_gup_args(): FOLL_PIN needs the pages array

thread dma {
  mmap_read_lock(m)
  assert pin_user_pages(m, 0x100000, pages=2, gup_flags=FOLL_WRITE | FOLL_LONGTERM, array=pinned) == 2
  mmap_read_unlock(m)
}

expect ok
