# &obj as C writes it where the kernel passes a pointer to a struct: a
# lock (spin_lock(&mm->page_table_lock), mutex_lock(&alloc->mutex)), an ops
# table (walk_page_vma(vma, &smaps_walk_ops, NULL): fs/proc/task_mmu.c) is
# the object itself, since mmscript's objects are references. & of an int
# or bool variable is a pointer to it (vm_insert_pages's &num,
# fixup_user_fault_unlocked.mms).

mm m
mutex alloc_mutex
vma v = mmap(m, 0x100000, pages=2, prot=rw)

ops smaps_walk_ops {
  pte_entry(addr, pfn) {
    return 0
  }
}

thread reader {
  assert touch(m, 0x100000, write)
  mutex_lock(&alloc_mutex)
  mmap_read_lock(m)
  vma = vma_lookup(m, 0x100000)
  assert walk_page_vma(vma, &smaps_walk_ops, NULL) == 1
  mmap_read_unlock(m)
  mutex_unlock(&alloc_mutex)
  spin_lock(&m.page_table_lock)
  spin_unlock(&m.page_table_lock)
}

expect ok
