# A walk over a range of almost 2^64 bytes (an end of -14, an errno, found
# by FuzzOps) stepped PMD by PMD over the empty address space for hours.
# walk_pgd_range() skips an empty PGD, P4D, PUD or PMD entry whole; so does
# the walk, and it ends where user space ends.

mm m
mmap(m, 0x100000, pages=1, prot=rw)
touch(m, 0x100000, write)

thread t {
  mmap_write_lock(m)
  assert walk_page_range_debug(m, 0x100000, -14) == 1  # the one present entry (mmscript: no pte_entry, the count)
  mmap_write_unlock(m)
}

expect ok
