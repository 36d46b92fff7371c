# Q: After expand_stack(), which VMA pointers are still good?
# A: Only the one it returns. expand_stack() is entered with the mmap read
#    lock, drops it, takes the write lock, looks the VMA up again, grows it
#    and downgrades; it returns the VMA with the read lock held, or nil with
#    no lock held. The caller checks for nil before unlocking
#    (mm/mmap.c: expand_stack(), "legacy interface for page faulting").

mm m
vma stack = mmap(m, 0x7f0000, pages=4, prot=rw, flags=growsdown)

thread caller {
  mmap_read_lock(m)
  vma v = expand_stack(m, 0x7ee000)
  if v {
    assert v == stack && v.vm_start == 0x7ee000, "the stack grew to the address"
    mmap_read_unlock(m)
  }
}

thread other {
  mmap(m, 0x100000, pages=1, prot=rw)
}

expect ok
