# A page walk calls pte_entry under the PTE lock for every PTE of the
# tables it walks (pfn -1 for an entry that is not present); a helper func
# counts the present ones and checks the pfn it was given.

mm m
file f
seen = 0
last_pfn = -1

func note(addr, pfn) {
  assert pfn >= 0, "a present PTE has a pfn"
  seen = seen + 1
  last_pfn = pfn
  return seen
}

ops walker {
  pte_entry(addr, pfn) {
    if pfn >= 0 { note(addr, pfn) }
    return 0
  }
}

vma v = mmap(m, 0x200000, pages=8, prot=rw)

thread user {
  for i in 0..4 {
    assert touch(m, 0x200000 + i * PAGE_SIZE, write)
  }
}

thread scanner {
  repeat 6 { msleep() }
  mmap_read_lock(m)
  n = walk_page_range(m, 0x200000, 0x208000, ops=walker)
  mmap_read_unlock(m)
  assert n == seen, "the walk returns the present PTEs it visited"
  print("walked", n, "last pfn", last_pfn)
}

expect ok
