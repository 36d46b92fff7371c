# walk_page_range calls pte_entry for every entry of each existing PTE
# table in the range, present or not (mm/pagewalk.c: walk_pte_range_inner();
# mmscript passes pfn -1 for an entry that is not present), under the
# table's PTE lock taken once (walk_pte_range() -> pte_offset_map_lock());
# a non-zero return stops the walk and is its result. Audit §2.14.

mm m
vma v = mmap(m, 0x200000, pages=4, prot=rw)
touch(m, 0x201000, write)
seen = 0
none = 0
ops w {
  pte_entry(addr, pfn) {
    seen = seen + 1
    if pfn < 0 { none = none + 1 }
    return 0
  }
}
ops stopper {
  pte_entry(addr, pfn) {
    if pfn >= 0 { return 7 }
    return 0
  }
}
ops sleeper {
  pte_entry(addr, pfn) { msleep(1) }  # under the PTE lock
}
thread t {
  mmap_read_lock(m)
  assert walk_page_range(m, 0x200000, 0x204000, ops=w) == 1, "one present PTE"
  assert seen == 4 && none == 3, "pte_entry sees every entry of the table"
  assert walk_page_range(m, 0x200000, 0x204000, ops=stopper) == 7, "a non-zero return stops the walk"
  walk_page_range(m, 0x200000, 0x201000, ops=sleeper)
  mmap_read_unlock(m)
}
expect violation "sched/scheduling-while-atomic: msleep() blocks in schedule(), but spinlock m->pte_lock" at 26
