# Q: My driver keeps the user address of its ring (as aio_ring_mremap()
#    does) and updates it from ->mremap, reading the VMA under the mmap
#    read lock. Is that right?
# A: No: copy_vma_and_data() (mm/mremap.c) calls ->mremap(new_vma) with the
#    mmap lock held for write, and an rwsem is not recursive: the hook
#    deadlocks on its own task (lockdep: "possible recursive locking").
#    The VMA is stable already; take only the driver's own lock
#    (mremap_hook-fixed.mms). Rule book 2.27.

mm m
file ring
mutex ring_lock
base = 0x100000
frozen = false

ops drv {
  mremap(vma) {
    mmap_read_lock(vma.vm_mm)  # wrong: mremap holds it for write
    ret = 0
    if frozen {
      ret = -EINVAL
    } else {
      base = vma.vm_start
    }
    mmap_read_unlock(vma.vm_mm)
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

expect violation "lock/recursive: recursive locking: m->mmap_lock already held for write by this thread" at 18
expect deadlock "user waits for m->mmap_lock (read) held by user"
