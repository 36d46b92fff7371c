# Per-VMA lock helpers of mm/mmap_lock.c (linux-mm 2026): lock_vma_under_rcu()
# and those built on it. `mmscript explain lock_vma_under_rcu`.

# mm/mmap_lock.c: lock_vma_under_rcu() (linux-mm @607a10f8361b): "Lookup
# and lock a VMA under RCU protection. Returned VMA is guaranteed to be
# stable and not isolated. If the VMA is not found or is being modified
# the function returns NULL." A script that models another kernel
# defines its own (v6.4's in mm/memory.c checked vma->anon_vma before
# vma_start_read(): examples/bugs/lock-vma-anon-vma-*.mms), and every
# caller of the library, the fault path first, calls that one.
#
# The RCU section is one step, mas_walk_start_read(): in it today's
# kernel reads nothing of the VMA between the walk and the lock (a writer
# that detaches or write-locks the VMA meanwhile makes vma_start_read()
# fail, as the walk after the writer does), and its window would multiply
# the interleavings of every fault. A script whose kernel read the VMA
# there writes rcu_read_lock(), vma_find(mm, address, address + 1),
# vma_start_read(mm, vma) and rcu_read_unlock() apart. A detached VMA
# (ERR_PTR(-EAGAIN): VMA_LOCK_MISS, mas_set() and walk again) cannot be
# found in one step, so there is no retry.
func lock_vma_under_rcu(mm, address) {
  # without CONFIG_PER_VMA_LOCK (before 6.4) there is no lock_vma_under_rcu():
  # the library's callers fall back to the mmap lock, as theirs did
  if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0) {
    return nil
  }
  # retry: rcu_read_lock(); vma = mas_walk(&mas); if (!vma) {
  # rcu_read_unlock(); goto inval; } vma = vma_start_read(mm, vma); (on
  # failure it leaves RCU) ... rcu_read_unlock()
  vma = mas_walk_start_read(mm, address)
  if !vma {
    return nil  # goto inval: count_vm_vma_lock_event(VMA_LOCK_ABORT)
  }
  # "Check if the vma we locked is the right one."
  if address < vma.vm_start || address >= vma.vm_end {
    vma_end_read(vma)
    return nil  # goto inval: count_vm_vma_lock_event(VMA_LOCK_ABORT)
  }
  return vma
}

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
