# Q: May I call apply_to_existing_page_range() on a user mm without its
#    mmap lock, since it allocates nothing?
# A: No: it walks the tables that exist, and without the mmap lock munmap
#    may free them under the walk (free_pgtables); mm/memory.c checks
#    nothing (__apply_to_page_range(); rule book 2.22).

mm m
mmap(m, 0x100000, pages=4, prot=rw)
touch(m, 0x101000, write)

thread walker {
  apply_to_existing_page_range(m, 0x100000, pages=4)
}

thread unmapper {
  munmap(m, 0x100000, pages=4)
}

expect violation "apply_to_page_range/needs-mmap-lock" at 12 always
