# The rules of mm/memory.c: sanitize_fault_flags(), the first thing
# handle_mm_fault() does: each flag combination it rules out is a
# WARN_ON_ONCE(), and the fault fails with VM_FAULT_SIGSEGV.
#   handle_mm_fault/unshare-with-write: FAULT_FLAG_UNSHARE | FAULT_FLAG_WRITE
#   handle_mm_fault/write-without-maywrite: "Write faults on read-only
#     mappings are impossible"
#   handle_mm_fault/write-not-cow: "FOLL_FORCE only applies to COW mappings"
#   handle_mm_fault/vma-lock-retry-nowait: "Per-VMA locks can't be used
#     with FAULT_FLAG_RETRY_NOWAIT"
# The arch fault path (access_error()) and GUP (check_vma_flags()) turn
# such accesses away first; a caller of its own that does not trips them.
# FAULT_FLAG_UNSHARE on a mapping that is not COW is cleared: a read.

mm m
file f

ops nomaywrite {
  mmap(file, vma) {
    vm_flags_clear(vma, VM_MAYWRITE)  # no mprotect(PROT_WRITE) later, as drivers do
    return 0
  }
}

vma ro = mmap(m, 0x100000, pages=1, prot=r, flags=shared, file=f, ops=nomaywrite)
vma shr = mmap(m, 0x200000, pages=1, prot=r, flags=shared, file=f)
vma prv = mmap(m, 0x300000, pages=1, prot=r, flags=private, file=f)

thread t {
  mmap_read_lock(m)
  assert handle_mm_fault(prv, 0x300000, FAULT_FLAG_UNSHARE | FAULT_FLAG_WRITE, NULL) == VM_FAULT_SIGSEGV
  assert handle_mm_fault(ro, 0x100000, FAULT_FLAG_WRITE, NULL) == VM_FAULT_SIGSEGV
  assert handle_mm_fault(shr, 0x200000, FAULT_FLAG_WRITE, NULL) == VM_FAULT_SIGSEGV
  assert handle_mm_fault(shr, 0x200000, FAULT_FLAG_UNSHARE, NULL) == 0  # not COW: a read fault
  assert handle_mm_fault(prv, 0x300000, FAULT_FLAG_WRITE, NULL) == 0    # FOLL_FORCE's write: COW
  mmap_read_unlock(m)
  vma v = lock_vma_under_rcu(m, 0x300000)
  if v {
    assert handle_mm_fault(v, 0x300000, FAULT_FLAG_VMA_LOCK | FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_RETRY_NOWAIT, NULL) == VM_FAULT_SIGSEGV
    vma_end_read(v)
  }
}

expect violation "handle_mm_fault/unshare-with-write" at 30
expect violation "handle_mm_fault/write-without-maywrite" at 31
expect violation "handle_mm_fault/write-not-cow" at 32
expect violation "handle_mm_fault/vma-lock-retry-nowait" at 38
