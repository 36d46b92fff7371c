# GUP-fast racing with fork's COW (57efa1fe5957, v5.13), half fixed: the
# walk gives up when mm->write_protect_seq is odd, but has no
# read_seqcount_retry() after it. A walk that read the seqcount even just
# before fork's raw_write_seqcount_begin() pins the page between fork's
# pinned check and its write-protect and keeps the pin: the driver's DMA
# goes to a page the parent no longer owns alone. Reported where the kept
# pin is released (the pin is all the driver did with the page).
mm m
vma v = mmap(m, 0x200000, pages=1, prot=rw)
touch(m, 0x200000, write)
page_array pages

# mm/gup.c: gup_fast() without "if (read_seqcount_retry(...)) {
# gup_fast_unpin_user_pages(); return 0; }"
func gup_fast(mm, start, nr_pages, write, pin, pages) {
  if pin {
    seq = raw_read_seqcount(mm)
    if seq & 1 != 0 {
      return 0
    }
  }
  nr = 0
  flags = local_irq_save()
  for i in 0..nr_pages {
    page = gup_fast_pmd_range(mm, start + i * PAGE_SIZE, write, pin)
    if !page {
      break
    }
    page_array_set(pages, nr, page)
    nr = nr + 1
  }
  local_irq_restore(flags)
  return nr
}

thread parent {  # fork(2) in one thread of the process
  mm child = fork(m)
}
thread drv {  # a driver pinning a DMA buffer for another thread of it
  n = pin_user_pages_fast(m, 0x200000, 1, true, pages)
  if n == 1 {
    unpin_user_pages(pages, n)
  }
}

expect violation "gup/pin-lost-to-cow" at 42
