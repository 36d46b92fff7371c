# Q: May vma_start_read() be called on a VMA after the RCU read-side
#    section the walk found it in has ended?
# A: No: only RCU kept the VMA's memory from being freed and reused since
#    the walk; vma_start_read() says so with RCU_LOCKDEP_WARN (rule
#    vma_iter/needs-lock), and the VMA may be another one by then.

mm m
mmap(m, 0x100000, pages=1, prot=rw)

thread reader {
  rcu_read_lock()
  vma = vma_find(m, 0x100000, 0x101000)
  rcu_read_unlock()
  if vma {
    vma = vma_start_read(m, vma)
    if vma {
      vma_end_read(vma)
    }
  }
}

expect violation "vma_iter/needs-lock" at 15
