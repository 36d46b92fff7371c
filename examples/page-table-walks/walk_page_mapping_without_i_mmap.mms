# Q: walk_page_mapping() takes no mm lock; may I call it without any lock?
# A: No: it needs the file's i_mmap rwsem held by the caller. Without it a
#    munmap can unlink a VMA of the i_mmap tree and free its page tables
#    while they are walked. A lockdep kernel reports it (mm/pagewalk.c:
#    walk_page_mapping() -> lockdep_assert_held(&mapping->i_mmap_rwsem));
#    others check nothing.

mm a
mm b
file f
mmap(a, 0x200000, pages=4, prot=r, flags=shared, file=f)
mmap(b, 0x400000, pages=2, prot=r, flags=shared, file=f, pgoff=2)
touch(b, 0x400000, read)

thread walker {
  walk_page_mapping(f, 0, 4)
}

thread unmapper {
  munmap(b, 0x400000, pages=2)
}

expect violation "walk_page_mapping/needs-i-mmap-lock" at 16 always
