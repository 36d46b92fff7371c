# Q: What does fork lock in the parent, and what happens to its pages?
# A: dup_mmap() takes the parent's mmap write lock, then the child's
#    (nested), and write-locks every parent VMA before copying it, so no
#    fault of another thread runs on it meanwhile; copy_page_range() takes
#    the child's PTE lock, then the parent's (nested), and write-protects
#    each private writable page in both, so the first write on either side
#    copies it (COW). The parent's TLB is flushed (flush_tlb_mm) before
#    its mmap lock drops. `mmscript explain fork` shows the path.

mm m
vma v = mmap(m, 0x200000, pages=2, prot=rw)
touch(m, 0x200000, write)

thread parent {
  mm child = fork(m)
  assert child
  assert touch(child, 0x200000, read)
  assert touch(child, 0x200000, write)  # the child's copy
  assert touch(m, 0x200000, write)      # the parent's: it reuses its page
}

expect ok
