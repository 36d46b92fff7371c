# Q: An RDMA driver pins a user buffer for the device to write into, as
#    drivers/infiniband/core/umem.c: ib_umem_get() does. Which locks, and how
#    is the pin released?
# A: ib_umem_get() calls pin_user_pages_fast(cur_base, npages,
#    gup_flags | FOLL_LONGTERM, page_list) with no lock held: GUP-fast walks
#    the page tables with IRQs off and takes the mmap read lock itself for
#    the pages it must fault in (mm/gup.c). FOLL_LONGTERM migrates the pages
#    out of movable zones first. __ib_umem_release() gives the pins back with
#    unpin_user_page_range_dirty_lock(..., make_dirty) per scatterlist entry,
#    which marks each folio dirty under its lock (it may sleep) and drops
#    the pin; unpin_user_pages_dirty_lock() is its array form.
#    ib_umem_release_twice.mms releases the pins twice.

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw)
page_array page_list

thread rdma_reg_mr {
  gup_flags = FOLL_WRITE
  pinned = pin_user_pages_fast(0x100000, 4, gup_flags | FOLL_LONGTERM, page_list)
  assert pinned == 4
  # ... the HCA writes into the pages ...
  unpin_user_pages_dirty_lock(page_list, pinned, true)
}

thread user {
  assert touch(m, 0x102000, write)
}

expect ok
