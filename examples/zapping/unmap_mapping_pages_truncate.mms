# Q: How does a filesystem or driver zap every user mapping of part of a file?
# A: unmap_mapping_pages() (page indices) or unmap_mapping_range() (bytes),
#    with no mm lock at all: it takes the mapping's i_mmap_rwsem for read,
#    finds every VMA that maps the range in the i_mmap tree, and zaps it under
#    the PTE locks with a TLB flush. Without even_cows the private COW copies
#    (anonymous pages) stay (mm/memory.c; rule book 2.9).

mm m
mm other
file data
mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=data)
mmap(other, 0x300000, pages=4, prot=r, flags=private, file=data)

thread user {
  assert touch(m, 0x101000, write)
}

thread reader {
  assert touch(other, 0x301000, read)
}

thread truncate {
  unmap_mapping_pages(data, 1, 2)
}

expect ok
