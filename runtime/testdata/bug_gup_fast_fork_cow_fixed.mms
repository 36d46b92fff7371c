# GUP-fast racing with fork's COW, fixed (57efa1fe5957, v5.13): fork's
# copy_page_range() makes mm->write_protect_seq odd while it
# write-protects; the library's gup_fast() for FOLL_PIN gives up when it
# reads it odd, and undoes its pins when read_seqcount_retry() says it
# moved during the walk. pin_user_pages_fast() then falls back to the
# mmap lock, which fork holds.
mm m
vma v = mmap(m, 0x200000, pages=1, prot=rw)
touch(m, 0x200000, write)
page_array pages

thread parent {  # fork(2) in one thread of the process
  mm child = fork(m)
}
thread drv {  # a driver pinning a DMA buffer for another thread of it
  n = pin_user_pages_fast(m, 0x200000, 1, true, pages)
  if n == 1 {
    unpin_user_pages(pages, n)
  }
}

expect ok
