# Q: Can I split a VMA to change the flags of part of it under the mmap
#    read lock?
# A: No. Splitting and merging write-lock the VMAs they change
#    (__split_vma(): vma_start_write(), which asserts the mmap write lock:
#    mmap_assert_write_locked()), and the new vm_start/vm_end need the mmap
#    write lock, the VMA write lock and the rmap write lock
#    (Documentation/mm/process_addrs.rst, VMA fields). change_protection()
#    must not run under a spinlock either: it sleeps between tables.

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw)

thread t {
  assert touch(m, 0x101000, write)
  mmap_read_lock(m)
  vma_modify_flags(m, v, v, 0x101000, 0x102000, v.vm_flags ^ VM_WRITE)
  mmap_read_unlock(m)
  mmap_write_lock(m)
  tlb = tlb_gather_mmu(m)
  spin_lock(m.page_table_lock)
  change_protection(tlb, v, 0x100000, 0x101000)
  spin_unlock(m.page_table_lock)
  tlb_finish_mmu(tlb)
  mmap_write_unlock(m)
}

expect violation "vma_start_write/needs-mmap-write" at 16
expect violation "vma-field/vm_start" at 16
expect violation "lock/sleep-in-atomic" at 21
