# A fault of the kernel library's fault path (runtime/kernel/fault.mms)
# under the per-VMA lock races a zap under the mmap read lock: the steps
# between the lockless read of the PTE and the PTE lock section interleave
# with the zap, and the section re-checks the PTE (pte_same), so every
# interleaving ends without a finding; the soundness tests compare the
# reduced search with the naive one on it.

mm m
vma a = mmap(m, 0x100000, pages=2, prot=rw)

func fault(addr, flags) {
  vma v = lock_vma_under_rcu(m, addr)
  if v {
    ret = handle_mm_fault(v, addr, flags=flags)
    if ret & (VM_FAULT_RETRY | VM_FAULT_COMPLETED) == 0 {
      vma_end_read(v)
    }
  }
}

thread f1 { fault(0x100000, "write|vma_lock|allow_retry") }

thread z {
  mmap_read_lock(m)
  zap_vma_range(a, 0x100000, pages=1)
  mmap_read_unlock(m)
}

expect ok
