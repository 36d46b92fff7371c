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

# mm/mmap_lock.c: lock_next_vma_under_mmap_lock(): look the VMA at the
# last position up again under the mmap read lock and read-lock it there
func lock_next_vma_under_mmap_lock(mm, from_addr) {
  if mmap_read_lock_killable(mm) != 0 {
    return nil  # ERR_PTR(-EINTR)
  }
  # vma_iter_set(vmi, from_addr); vma = vma_next(vmi)
  vma = vma_find(mm, from_addr, ULONG_MAX)
  if vma {
    if !vma_start_read_locked(vma) {
      vma = nil  # ERR_PTR(-EAGAIN): very unlikely vm_refcnt overflow
    }
  }
  mmap_read_unlock(mm)
  return vma
}

# mm/mmap_lock.c: lock_next_vma(): the next VMA at or after from_addr,
# read-locked and re-checked, or nil when there is none; called in an RCU
# read-side section, which it leaves and re-enters on its fallback.
# mmap_lock_speculate_try_begin() is taken as failing (a writer may be
# active), so a VMA ahead of from_addr is always verified with a second
# walk, as the kernel does when the speculation fails.
func lock_next_vma(mm, from_addr) {
  while true {  # retry:
    vma = vma_find(mm, from_addr, ULONG_MAX)  # vma_next(vmi)
    if !vma {
      return nil
    }
    locked = vma_start_read(mm, vma)
    if !locked {
      break  # goto fallback (a detached VMA's -EAGAIN retry falls back too)
    }
    # Verify the vma is not behind the last search position.
    if from_addr >= locked.vm_end {
      rcu_read_unlock()  # fallback_unlock:
      vma_end_read(locked)
      return lock_next_vma_fallback(mm, from_addr)
    }
    # vma can be ahead of the last search position but we need to verify
    # it was not shrunk after we found it and another vma has not been
    # installed ahead of it.
    if from_addr < locked.vm_start && locked != vma_find(mm, from_addr, ULONG_MAX) {
      rcu_read_unlock()  # fallback_unlock:
      vma_end_read(locked)
      return lock_next_vma_fallback(mm, from_addr)
    }
    return locked
  }
  rcu_read_unlock()  # fallback:
  return lock_next_vma_fallback(mm, from_addr)
}

# mm/mmap_lock.c: lock_next_vma(), its fallback: label after the RCU
# section was left: the walk under the mmap lock, then back into RCU
func lock_next_vma_fallback(mm, from_addr) {
  vma = lock_next_vma_under_mmap_lock(mm, from_addr)
  rcu_read_lock()
  return vma
}
