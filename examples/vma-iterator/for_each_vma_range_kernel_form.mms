# Q: How do I walk the VMAs of a range as the kernel does: VMA_ITERATOR,
#    vma_find(&vmi, max), for_each_vma_range()?
# A: VMA_ITERATOR(vmi, mm, start) declares the iterator at start;
#    for_each_vma_range(vmi, vma, end) { } is while ((vma =
#    vma_find(&vmi, end)) != NULL): each step finds the next VMA that ends
#    above the iterator and starts below end, under the mmap lock (or RCU),
#    and moves the iterator after it. A body that drops the lock saves
#    vma->vm_end first and resumes with vma_iter_set(&vmi, end) after it
#    retakes the lock (include/linux/mm.h: VMA_ITERATOR(), vma_find(),
#    vma_next(), vma_iter_set(), for_each_vma_range()).

mm m
mmap(m, 0x100000, pages=2, prot=rw)
mmap(m, 0x200000, pages=2, prot=rw)
mmap(m, 0x300000, pages=2, prot=rw)

thread walker {
  n = 0
  VMA_ITERATOR(vmi, m, 0x101000)
  mmap_read_lock(m)
  for_each_vma_range(vmi, vma, 0x300000) {
    n += 1
    end = vma.vm_end
    mmap_read_unlock(m)
    cond_resched()
    mmap_read_lock(m)
    vma_iter_set(&vmi, end)  # the tree may have changed: look again from end
  }
  vma_iter_set(&vmi, 0)
  vma first = vma_find(&vmi, 0x200000)  # one step: the first VMA below 0x200000
  assert first.vm_start == 0x100000
  mmap_read_unlock(m)
  assert n <= 2
  count = 0
  VMA_ITERATOR(all, m, 0)
  mmap_read_lock(m)
  for_each_vma(all, vma) {  # while ((vma = vma_next(&all)) != NULL)
    count += 1
  }
  mmap_read_unlock(m)
  assert count >= 2
}

thread unmapper {
  munmap(m, 0x200000, 0x2000)
}

expect ok
