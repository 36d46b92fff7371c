# Q: How do I visit only the PTEs that exist in a user range, without
#    allocating page tables?
# A: apply_to_existing_page_range(mm, addr, size, fn, data) (mm/memory.c):
#    __apply_to_page_range() with create = false skips a missing table
#    ("if (pmd_none(*pmd) && !create) continue;") and calls fn only on
#    entries that are not none, under each table's PTE lock, so fn must
#    not sleep. Like apply_to_page_range() it checks no lock: the mmap
#    lock keeps munmap from freeing the tables it walks.

mm m
mmap(m, 0x100000, pages=4, prot=rw)
mmap(m, 0x40000000, pages=1, prot=rw)  # another PMD: no table until touched
touch(m, 0x101000, write)
seen = 0

ops visit {
  pte_entry(addr, pfn) {
    seen += 1
    return 0
  }
}

thread walker {
  mmap_read_lock(m)
  assert apply_to_existing_page_range(m, 0x100000, 0x4000, visit) == 0
  assert apply_to_existing_page_range(m, 0x40000000, 0x1000, visit) == 0
  mmap_read_unlock(m)
  assert seen == 1
}

expect ok
