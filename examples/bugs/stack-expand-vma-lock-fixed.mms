# Stack expansion with the VMA write lock: c5d5546ea065 "mm: lock a vma
# before stack expansion" (v6.5-rc1, 6.4.1). The kernel library's
# expand_downwards() (mm/vma.c of mainline, runtime/kernel/stack.mms) calls
# vma_start_write(vma) before anon_vma_lock_write(): the grower waits for
# the fault that holds the stack VMA's read lock, and a later fault's
# lock_vma_under_rcu() fails while the VMA is write-locked and retries
# under the mmap lock. See stack-expand-vma-lock-buggy.mms.

mm m
mmap(m, 0x7f0000, pages=4, prot=rw, flags=growsdown)
touch(m, 0x7f1000, write)

thread grower {
  touch(m, 0x7ef000, write)
}

thread faulter {
  touch(m, 0x7f2000, write)
}

expect ok
