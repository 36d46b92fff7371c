# Q: May lock_next_vma() be called outside an RCU read-side section?
# A: No: it walks the VMA tree under RCU and read-locks what it finds with
#    vma_start_read(), both of which need the section
#    (RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "no rcu read lock held")).
#    /proc/pid/maps calls it between rcu_read_lock() and rcu_read_unlock()
#    (rule vma_iter/needs-lock).

mm m
mmap(m, 0x100000, pages=1, prot=rw)

thread maps {
  vma = lock_next_vma(m, 0)
  if vma {
    vma_end_read(vma)
  }
}

expect violation "vma_iter/needs-lock" at 12
