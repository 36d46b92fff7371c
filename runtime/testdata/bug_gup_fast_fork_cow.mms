# GUP-fast racing with fork's COW (57efa1fe5957 "mm/gup: prevent gup_fast
# from racing with COW during fork", v5.13). copy_present_ptes() checks
# whether the parent has an anonymous page pinned (then the child gets a
# copy), then write-protects and shares the rest, under the PTE locks;
# GUP-fast takes no PTE lock. A FOLL_PIN walk that pins the page between
# the check and the write-protect leaves it shared read-only: the parent's
# next write copies it away and the DMA lands in the child's page.
mm m
vma v = mmap(m, 0x200000, pages=1, prot=rw)
touch(m, 0x200000, write)
page_array pages

# pre-fix mm/gup.c: lockless_pages_from_mm() without the
# mm->write_protect_seq read and retry
func gup_fast(mm, start, nr_pages, write, pin, pages) {
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

expect violation "gup/pin-lost-to-cow" at 31
