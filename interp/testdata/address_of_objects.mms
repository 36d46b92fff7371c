# &obj as C writes it where the kernel passes a pointer to a struct: a
# lock (spin_lock(&mm->page_table_lock), mutex_lock(&alloc->mutex)), an ops
# table (walk_page_vma(vma, &smaps_walk_ops, NULL): fs/proc/task_mmu.c) is
# the object itself, since mmscript's objects are references (mmscript's
# walk_page_vma takes ops->walk_lock as its third argument). & of an int
# is taken only by a by-reference parameter (vm_insert_pages's &num).

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
  assert walk_page_vma(vma, &smaps_walk_ops, rdlock) == 1
  mmap_read_unlock(m)
  mutex_unlock(&alloc_mutex)
  spin_lock(&m.page_table_lock)
  spin_unlock(&m.page_table_lock)
}

expect ok
