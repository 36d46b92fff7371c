# vm_insert_pages(vma, addr, pages, &num) as mm/memory.c declares it:
# struct page **pages is a page_array, unsigned long *num an int variable
# passed by reference, in: the count, out: the pages not inserted
# (insert_pages(): *num = remaining_pages_total); the result is 0 or
# -errno, and the range check's -EFAULT leaves *num alone. mmscript's
# earlier form, the pages as trailing arguments returning the count not
# inserted, still binds.

mm m
file dev
page_array pages
pages[0] = alloc_page()
pages[1] = alloc_page()
pages[2] = alloc_page()
page spare = alloc_page()
int left = 0

ops drv {
  mmap(file, vma) {
    vm_flags_set(vma, VM_MIXEDMAP)
    return 0
  }
}

vma v = mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=dev, ops=drv)

thread driver {
  mmap_read_lock(m)
  # a page already mapped at the second address: -EBUSY after the first
  assert vm_insert_page(v, 0x101000, spare) == 0
  unsigned_long = 3
  err = vm_insert_pages(v, 0x100000, pages, &unsigned_long)
  assert err == -EBUSY && unsigned_long == 2
  # beyond the VMA: -EFAULT, *num as it was
  left = 5
  assert vm_insert_pages(v, 0x100000, pages, &left) == -EFAULT && left == 5
  # the rest of the array after the populated entry
  zap_vma_range(v, 0x101000, 0x1000)
  left = 2
  assert vm_insert_pages(v, 0x101000, pages, &left) == 0 && left == 0
  # mmscript's earlier form: returns the count not inserted
  assert vm_insert_pages(v, 0x103000, spare) == 0
  mmap_read_unlock(m)
}

expect ok
