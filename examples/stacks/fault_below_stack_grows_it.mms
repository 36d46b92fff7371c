# Q: How does a page fault find its VMA, and what happens just below a stack?
# A: lock_mm_and_find_vma() takes the mmap read lock and finds the VMA. Below
#    a VM_GROWSDOWN VMA it cannot upgrade the lock (mmap_upgrade_trylock()
#    always fails): it drops the read lock, takes the write lock, looks the
#    VMA up again and re-checks it, grows it (expand_stack_locked()) and
#    downgrades. It returns with the read lock held, or nil with none.
#    Another thread may unmap or map in the window; the re-lookup makes that
#    harmless (mm/mmap_lock.c: lock_mm_and_find_vma()).

mm m
vma stack = mmap(m, 0x7f0000, pages=4, prot=rw, flags=growsdown)
mmap(m, 0x100000, pages=1, prot=rw)

thread fault {
  vma v = lock_mm_and_find_vma(m, 0x7ef000)
  if v {
    assert v == stack, "only the stack can cover the address"
    assert v.vm_start == 0x7ef000, "the stack grew down to the fault"
    mmap_read_unlock(m)
  }
}

thread other {
  munmap(m, 0x100000, pages=1)
}

expect ok
