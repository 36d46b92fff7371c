# Q: Growing a stack VMA down by hand, as expand_downwards() does: which
#    locks cover the store of the new vm_start?
# A: The mmap write lock (expand_downwards(): "mmap_lock held for
#    writing"), the VMA write-locked so that no fault under the VMA read
#    lock runs on it meanwhile, and its anon_vma locked for write around
#    the interval-tree update and vma_iter_store_overwrite() (mm/vma.c:
#    expand_downwards(); since the StackRot fix, not the page_table_lock
#    of the read-locked expansion of old).

mm m
vma stack = mmap(m, 0x7f0000, pages=4, prot=rw, flags=growsdown)
touch(m, 0x7f0000, write)

thread grow {
  mmap_write_lock(m)
  assert anon_vma_prepare(stack) == 0
  vma_start_write(stack)
  anon_vma_lock_write(stack)
  assert vma_iter_store_overwrite(stack, 0x7ef000) == 0
  anon_vma_unlock_write(stack)
  mmap_write_unlock(m)
  assert touch(m, 0x7ef000, write)
}

thread reader {
  mmap_read_lock(m)
  vma s = find_vma(m, 0x7f0000)
  mmap_read_unlock(m)
}

expect ok
