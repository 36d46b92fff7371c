# Q: How does a filesystem zap the user mappings of a byte range of a file
#    (hole punch, truncate)?
# A: unmap_mapping_range(mapping, holebegin, holelen, even_cows) with no mm
#    lock and without the mapping's i_mmap_rwsem: it takes i_mmap_lock_read()
#    itself, and zaps every VMA in the i_mmap tree that maps the range under
#    the PTE locks (mm/memory.c: unmap_mapping_range() ->
#    unmap_mapping_pages()). even_cows=true also zaps private COW copies, as
#    truncate must.

mm m
file data
mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=data)
mmap(m, 0x300000, pages=4, prot=rw, flags=private, file=data)

thread user {
  assert touch(m, 0x101000, write)
  assert touch(m, 0x301000, write)
}

thread truncate {
  unmap_mapping_range(data, 0x1000, 0x2000, even_cows=true)
}

expect ok
