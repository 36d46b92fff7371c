# Q: How do I walk user page tables where no VMA may be (a page-table
#    dump)?
# A: walk_page_range_debug() under the mmap lock for write: it walks the
#    tables whether or not a VMA covers them, under RCU and without PTE
#    locks, and only the write lock keeps munmap from freeing tables it
#    has already detached the VMAs of (mm/pagewalk.c:
#    walk_page_range_debug() -> mmap_assert_write_locked(mm); rule book
#    2.21).

mm m
mmap(m, 0x100000, pages=2, prot=rw)
mmap(m, 0x104000, pages=2, prot=rw)

ops dump {
  pte_entry(addr, pfn) {
    return 0
  }
}

thread user {
  touch(m, 0x101000, write)
  touch(m, 0x104000, write)
}

thread dumper {
  mmap_write_lock(m)
  # the gap at 0x102000..0x104000 is walked too
  int n = walk_page_range_debug(m, 0x100000, 0x106000, ops=dump)
  assert n >= 0 && n <= 2
  mmap_write_unlock(m)
}

thread unmapper {
  munmap(m, 0x104000, pages=2)
}

expect ok
