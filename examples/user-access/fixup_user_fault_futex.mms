# Q: The futex code resolves a fault on the futex word with
#    fixup_user_fault(). What must it hold?
# A: The mmap read lock of the mm, as fault_in_user_writeable()
#    (kernel/futex/core.c) takes it around the call:
#    fixup_user_fault() (mm/gup.c) looks the VMA up and calls
#    handle_mm_fault() under the caller's lock, and asserts it
#    (untagged_addr_remote() -> mmap_assert_locked()). With NULL for
#    *unlocked the fault may not drop the lock, so the caller holds it
#    throughout; with &unlocked a fault may drop it and fixup_user_fault()
#    takes it again before it returns, so the caller unlocks either way.

mm m
mmap(m, 0x200000, pages=1, prot=rw)  # the futex word's page, not yet touched
mmap(m, 0x300000, pages=1, prot=r)   # a read-only page

# kernel/futex/core.c: fault_in_user_writeable()
func fault_in_user_writeable(mm, uaddr) {
  mmap_read_lock(mm)
  ret = fixup_user_fault(mm, uaddr, FAULT_FLAG_WRITE, nil)  # NULL: no retry
  mmap_read_unlock(mm)
  return ret
}

thread waker {
  assert fault_in_user_writeable(m, 0x200000) == 0
  assert fault_in_user_writeable(m, 0x400000) == -EFAULT, "nothing mapped there"
  assert fault_in_user_writeable(m, 0x300000) == -EFAULT, "vma_permits_fault(): no VM_WRITE"
  mmap_read_lock(m)
  assert fixup_user_fault(m, 0x300000, 0, nil) == 0, "a read fault is permitted"
  mmap_read_unlock(m)
}

thread mapper {  # a writer of the same mm meanwhile
  mmap(m, 0x500000, pages=1, prot=rw)
}

expect ok
