# Q: My driver keeps the user address of its ring (as aio_ring_mremap()
#    does) and updates it from ->mremap. What may the hook do, and what
#    if it refuses the move?
# A: copy_vma_and_data() (mm/mremap.c) calls ->mremap(new_vma) after
#    move_page_tables(), under the mmap write lock: it may sleep and take
#    its own locks, not the mmap lock. A non-zero return makes the kernel
#    move the entries back and unmap the new VMA instead of the old, and
#    mremap(2) returns the error: the ring stays where it was. The buggy
#    twin (mremap_hook-buggy.mms) takes the mmap lock. Rule book 2.27.

mm m
file ring
mutex ring_lock
base = 0x100000
frozen = false

ops drv {
  mremap(vma) {
    mutex_lock(ring_lock)
    ret = 0
    if frozen {
      ret = -EINVAL
    } else {
      base = vma.vm_start
    }
    mutex_unlock(ring_lock)
    return ret
  }
  fault(vmf) {
    page p = alloc_page()
    return p
  }
}

mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=ring, ops=drv)

thread user {
  assert touch(m, 0x100000, write)
  assert mremap(m, 0x100000, 0x2000, 0x2000, flags=maymove | fixed, new_addr=0x200000) == 0x200000
  assert base == 0x200000
  assert !touch(m, 0x100000, read), "moved away"
  frozen = true
  assert mremap(m, 0x200000, 0x2000, 0x2000, flags=maymove | fixed, new_addr=0x300000) == -EINVAL
  assert base == 0x200000 && touch(m, 0x200000, read), "refused: still at the old place"
  assert !touch(m, 0x300000, read), "the new VMA was unmapped"
}

expect ok
