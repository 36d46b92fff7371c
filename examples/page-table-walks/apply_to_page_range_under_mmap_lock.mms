# Q: What must I hold to run a callback on every PTE of a user range with
#    apply_to_page_range()?
# A: The mmap lock: apply_to_page_range() allocates the missing tables and
#    walks them, and only the mmap lock keeps munmap from freeing them
#    meanwhile (the kernel checks nothing). The callback runs under each PTE
#    table's lock in lazy-MMU mode, so it must not sleep (mm/memory.c:
#    __apply_to_page_range(); rule book 2.22).

mm m
mmap(m, 0x100000, pages=4, prot=rw)

ops fn {
  pte_entry(addr, pfn) {
    return 0
  }
}

thread user {
  touch(m, 0x101000, write)
}

thread applier {
  mmap_read_lock(m)
  assert apply_to_page_range(m, 0x100000, pages=4, ops=fn) == 0
  mmap_read_unlock(m)
}

thread unmapper {
  munmap(m, 0x100000, pages=4)
}

expect ok
