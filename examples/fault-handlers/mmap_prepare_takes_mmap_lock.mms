# Q: May f_op->mmap_prepare take the mmap lock, say to look at the VMAs
#    around desc.start?
# A: No: mmap() calls it with the mmap write lock held (vm_mmap_pgoff() took
#    it; mmap_region() asserts it), as it calls f_op->mmap, so
#    mmap_read_lock(desc->mm) waits for the caller itself: lockdep reports
#    the recursion and the task hangs (mm/vma.c: call_mmap_prepare()). The
#    descriptor's fields need no lock, and there is no VMA to look at yet.

mm m
file dev

ops drv {
  mmap_prepare(desc) {
    mmap_read_lock(desc.mm)
    vma prev = find_vma(desc.mm, desc.start - PAGE_SIZE)
    mmap_read_unlock(desc.mm)
    return 0
  }
}

mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)

expect violation "lock/recursive" at 14
expect deadlock
