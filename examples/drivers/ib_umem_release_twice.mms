# Q: What if a driver's error path releases a umem's pins and then its
#    normal teardown releases them again (the double __ib_umem_release() of
#    an MR whose registration failed half-way)?
# A: unpin_user_pages_dirty_lock() subtracts one pin per page with no check
#    that a pin is held (mm/gup.c: gup_put_folio() -> atomic_sub() of
#    _pincount, or of GUP_PIN_COUNTING_BIAS from the refcount of a small
#    folio): the second release takes the pins (and references) of others
#    and the page can be freed while still mapped or under DMA. Release
#    each pin once: ib_umem_pin_longterm.mms.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)
page_array page_list

thread rdma_reg_mr {
  pinned = pin_user_pages_fast(0x100000, 2, FOLL_WRITE | FOLL_LONGTERM, page_list)
  assert pinned == 2
  unpin_user_pages_dirty_lock(page_list, pinned, true)   # the error path
  unpin_user_pages_dirty_lock(page_list, pinned, false)  # and the teardown
}

expect violation "unpin_user_page/not-pinned" at 19
