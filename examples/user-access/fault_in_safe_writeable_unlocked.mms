# Q: How do I fault a buffer in for writing without writing to it, e.g.
#    before a retried copy that holds page faults disabled?
# A: fault_in_safe_writeable() (mm/gup.c), with no lock of the mm held:
#    it takes the mmap read lock itself and resolves each page with
#    fixup_user_fault(FAULT_FLAG_WRITE, &unlocked) (a fault may drop the
#    lock and take it again). It returns the bytes not faulted in: here,
#    the page past the mapping's end.

mm m
mmap(m, 0x200000, pages=1, prot=rw)

thread writer {
  assert fault_in_safe_writeable(m, 0x200000, PAGE_SIZE) == 0
  assert fault_in_safe_writeable(m, 0x200000, 2 * PAGE_SIZE) == PAGE_SIZE, "the second page is not mapped"
  # all three return the bytes not faulted in, from an unaligned start too
  assert fault_in_safe_writeable(m, 0x200800, PAGE_SIZE) == 0x800
  assert fault_in_writeable(m, 0x200800, PAGE_SIZE) == 0x800
  assert fault_in_readable(m, 0x200800, PAGE_SIZE) == 0x800
  assert fault_in_readable(m, 0x1ff800, PAGE_SIZE) == PAGE_SIZE, "the first byte faults: nothing"
  assert fault_in_readable(m, 0x200000, 0) == 0
}

thread mapper {  # a writer of the same mm meanwhile
  mmap(m, 0x400000, pages=1, prot=rw)
}

expect ok
