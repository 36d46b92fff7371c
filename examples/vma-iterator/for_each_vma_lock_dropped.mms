# Q: My walk is written as the kernel writes it, VMA_ITERATOR(vmi, mm, 0)
#    and for_each_vma(vmi, vma) { }, and its body drops the mmap lock to
#    sleep (cond_resched) and takes it again. May it go on using vma?
# A: No: once the mmap lock is dropped, munmap may free the VMA (or a
#    merge replace it); vma is stale after the relock. The kernel saves
#    what it needs (vma->vm_end) before unlocking and moves the iterator
#    with vma_iter_set(&vmi, end) after relocking (include/linux/mm.h:
#    for_each_vma() -> vma_next(), vma_iter_set(); the mmap lock is the
#    maple tree's external lock: kernel/fork.c: mm_init()
#    mt_set_external_lock()).

mm m
mmap(m, 0x100000, pages=2, prot=rw)
mmap(m, 0x200000, pages=2, prot=rw)

thread walker {
  VMA_ITERATOR(vmi, m, 0)
  mmap_read_lock(m)
  for_each_vma(vmi, vma) {
    mmap_read_unlock(m)
    cond_resched()
    mmap_read_lock(m)
    flags = vma.vm_flags  # stale
  }
  mmap_read_unlock(m)
}

thread unmapper {
  munmap(m, 0x100000, 0x2000)
}

expect violation "vma/stale-after-relock" at 23 sometimes
expect violation "vma/use-after-unmap" at 23 sometimes
