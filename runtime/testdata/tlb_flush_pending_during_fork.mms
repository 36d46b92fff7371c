# fork write-protects the parent's private pages under their PTLs and
# flushes the parent's TLB (flush_tlb_mm(oldmm)) only after the PTLs drop,
# before mmap_write_unlock(oldmm), with mm->tlb_flush_pending untouched
# (kernel/fork.c: dup_mmap()). No thread that reads mm_tlb_flush_pending()
# under a PTL (KSM, a zap, a NUMA fault) runs meanwhile: each holds the mmap
# lock or a VMA lock, which fork excludes. So the count raised and dropped
# by another thread in that window is no misordered increment or early
# decrement (inc_tlb_flush_pending/after-pte-change,
# dec_tlb_flush_pending/before-flush).

mm m
vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=private)
touch(m, 0x100000, write)  # this CPU caches a writable translation

thread forker {
  mm child = fork(m)
}

thread counter {
  inc_tlb_flush_pending(m)
  dec_tlb_flush_pending(m)
}

expect ok
