# An install under a huge PMD: get_locked_pte() (mm/memory.c) walks to
# the PMD, pte_alloc() allocates nothing on a PMD that is not none, and
# pte_offset_map_lock() finds no PTE table under a pmd_trans_huge() entry:
# it returns NULL, which insert_page() returns as -ENOMEM. The THP is not
# split (mmscript used to split it to make room).

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private, vm=hugepage)
touch(m, 0x200000, write)
file f
page p = alloc_page()

thread t {
  mmap_write_lock(m)
  rc = vm_insert_page(v, 0x3ff000, p)
  mmap_write_unlock(m)
  assert rc == -ENOMEM
  assert pmd_trans_huge(pmdp_get_lockless(m, 0x3ff000))
  assert p.mapcount == 0
}

expect ok
