# Q: Which lock guards a PUD entry, and may I take it under a PTE lock?
# A: pud_lock() takes mm->page_table_lock (include/linux/mm.h: pud_lockptr()
#    returns &mm->page_table_lock: PUD tables have no split lock), taken
#    before a PMD table is installed in the PUD entry (__pmd_alloc()). It
#    is a plain spinlock under the mmap or VMA lock that keeps the tables
#    alive; nothing may sleep under it, and it comes before the PTE lock.

mm m
mmap(m, 0x200000, pages=2, prot=rw)
touch(m, 0x200000, write)

thread t {
  mmap_read_lock(m)
  l = pud_lock(m, 0x200000)
  spin_unlock(l)
  mmap_read_unlock(m)
}

thread u {
  touch(m, 0x201000, write)
}

expect ok
