# Q: How does a driver allocate the page array for pin_user_pages() and
#    fill it when a call pins fewer pages than asked (a short return)?
# A: page_array(n) is kvmalloc_array(n, sizeof(struct page *)): n NULL
#    entries. pin_user_pages() stores pages[i] for i < nr_pages, and may
#    return fewer; the caller goes on from where it stopped with pages +
#    got, as C passes a pointer into the array, asking only n - got more
#    (mm/gup.c: __get_user_pages(), pin_user_pages(); e.g.
#    drivers/vfio/vfio_iommu_type1.c: vaddr_get_pfns()).

mm m
mmap(m, 0x100000, pages=8, prot=rw)

func pin_range(start, n, pages) {
  got = 0
  while got < n {
    ret = pin_user_pages(start + got * PAGE_SIZE, n - got, FOLL_WRITE | FOLL_LONGTERM, pages + got)
    if ret <= 0 {
      break
    }
    got += ret
  }
  return got
}

thread drv {
  pages = page_array(8)
  mmap_read_lock(m)
  got = pin_range(0x100000, 8, pages)
  mmap_read_unlock(m)
  assert got == 8
  unpin_user_pages(pages, got)
}

expect ok
