# Per-VMA lock helpers of mm/mmap_lock.c (linux-mm 2026) built on
# lock_vma_under_rcu(). `mmscript explain lock_vma_under_rcu_wait`.

# mm/mmap_lock.c: lock_vma_under_rcu_wait(): the VMA covering address,
# read-locked, waiting for a writer instead of failing; nil only when no
# VMA covers address. "There is no guarantee that any single retry will
# succeed, and it is possible but highly unlikely this will loop forever."
func lock_vma_under_rcu_wait(mm, address) {
  while true {
    vma = lock_vma_under_rcu(mm, address)
    if vma {
      return vma  # fast path: return stable VMA covering 'address'
    }
    # slow path: rule out that the VMA is being modified
    mmap_read_lock(mm)
    vma = vma_lookup(mm, address)
    mmap_read_unlock(mm)
    if !vma {
      return nil  # there was for sure no VMA covering 'address'
    }
    # mmap_read_lock() waited for the writer to complete: try again
  }
}
