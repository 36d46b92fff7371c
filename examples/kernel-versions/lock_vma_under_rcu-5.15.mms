# lock_vma_under_rcu() came with per-VMA locks in v6.4 (50ee32537206 "mm:
# introduce lock_vma_under_rcu to be used from arch-specific code"): a
# 5.15 script cannot call it, and the error names the change and what
# kernels before it did (the mmap read lock). The fault path of the
# kernel library takes only the mmap read lock there
# (fault_takes_mmap_read_lock-5.15.mms).
kernel 5.15

mm m
mmap(m, 0x100000, pages=1, prot=rw)

thread t {
  vma v = lock_vma_under_rcu(m, 0x100000)
  if v {
    vma_end_read(v)
  }
}

expect error "lock_vma_under_rcu does not exist in 5.15: it came with v6.4"
