# Q: May I change vm_flags or write-lock a VMA holding only the mmap read
#    lock, or pin a VMA without the mmap lock?
# A: No. vm_flags_clear() -> vma_start_write() -> mmap_assert_write_locked()
#    (include/linux/mm.h, include/linux/mmap_lock.h), a WARN; and the change
#    races with per-VMA-lock readers that hold no mmap lock at all.
#    vma_start_read_locked() mmap_assert_locked()s: without the mmap lock
#    the VMA may be freed under it. vma_end_read() of a VMA not read-locked
#    underflows vm_refcnt.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread t {
  mmap_read_lock(m)
  vm_flags_clear(v, VM_MAYEXEC)
  vma_start_write(v)
  mmap_read_unlock(m)
  vma_start_read_locked(v)
  vma_end_read(v)
  vma_end_read(v)
}

expect violation "vm_flags/needs-mmap-write" at 15
expect violation "vma_start_write/needs-mmap-write" at 16
expect violation "vma_start_read_locked/needs-mmap-lock" at 18
expect violation "lock/unlock-not-held" at 20
