# Q: How do I walk the page tables of every mapping of a file's pages, in
#    all the mms that map it?
# A: walk_page_mapping() under the file's i_mmap rwsem, read is enough,
#    and no mm lock: the rwsem keeps each VMA of the i_mmap tree, and so its
#    tables, from munmap (unlink_file_vma() takes it for write), and the
#    walk takes each PTE table's lock around pte_entry (mm/pagewalk.c:
#    walk_page_mapping() -> lockdep_assert_held(&mapping->i_mmap_rwsem);
#    rule book 2.21).

mm a
mm b
file f
mmap(a, 0x200000, pages=4, prot=r, flags=shared, file=f)
mmap(b, 0x400000, pages=2, prot=r, flags=shared, file=f, pgoff=2)
touch(a, 0x202000, read)
touch(b, 0x400000, read)

ops counter {
  pte_entry(addr, pfn) {
    return 0
  }
}

thread walker {
  i_mmap_lock_read(f)
  # page indices 2 and 3: a's 0x202000..0x204000, and all of b unless
  # the munmap came first
  int n = walk_page_mapping(f, 2, 2, ops=counter)
  assert n == 1 || n == 2
  i_mmap_unlock_read(f)
}

thread unmapper {
  munmap(b, 0x400000, pages=2)
}

expect ok
