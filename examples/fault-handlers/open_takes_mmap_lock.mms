# Q: May my ->open take the mmap lock?
# A: No: the core calls ->open when it duplicates a VMA (__split_vma(),
#    copy_vma(), dup_mmap()), always under the mmap write lock (mm/vma.c:
#    __split_vma() -> vma->vm_ops->open()), so taking the mmap lock again
#    deadlocks at once; lockdep reports the recursion. A munmap in the
#    middle of a VMA splits it and opens the new pieces.

mm m
file dev

ops opener {
  open(vma) {
    mmap_read_lock(m)
    mmap_read_unlock(m)
  }
}

mmap(m, 0x100000, pages=3, prot=rw, flags=shared, file=dev, ops=opener)

thread user {
  munmap(m, 0x101000, pages=1)
}

expect violation "lock/recursive" at 13
expect deadlock at 13
