# Q: May I call apply_to_page_range() on a user mm without its mmap lock?
# A: No: nothing then keeps munmap from freeing the page tables the walk is
#    in (free_pgtables), a use-after-free the kernel does not check for
#    (mm/memory.c: __apply_to_page_range(); rule book 2.22).

mm m
mmap(m, 0x100000, pages=4, prot=rw)

thread user {
  touch(m, 0x101000, write)
}

thread applier {
  apply_to_page_range(m, 0x100000, pages=4)
}

thread unmapper {
  munmap(m, 0x100000, pages=4)
}

expect violation "apply_to_page_range/needs-mmap-lock" at 14 always
