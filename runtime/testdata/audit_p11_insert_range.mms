# Audit probe p11 (§2.12): vm_insert_page outside the VMA under the mmap
# read lock. mm/memory.c: vm_insert_page() checks the range first and
# returns -EFAULT before BUG_ON(mmap_read_trylock()); in range, the same
# call is the BUG.

mm m
file dev
vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev)
thread t {
  page p = alloc_page()
  mmap_read_lock(m)
  assert vm_insert_page(v, 0x200000, p) == -EFAULT
  assert vm_insert_pages(v, 0x100000, p, p) == -EFAULT, "the second page is past vm_end"
  vm_insert_page(v, 0x100000, p)
  mmap_read_unlock(m)
}
expect fatal "vm_insert_page/not-mixedmap-needs-mmap-write" at 14
