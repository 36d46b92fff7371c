# Q: A long scan holds the mmap read lock; how does it let a writer in?
# A: It asks mmap_lock_is_contended(mm) (include/linux/mmap_lock.h:
#    rwsem_is_contended(&mm->mmap_lock), whether a task is queued on it)
#    between VMAs, and when someone waits it drops the lock, lets the
#    waiter run and retakes it, looking the next VMA up again (the VMA it
#    held may be gone), as khugepaged's scan and the OOM reaper's callers do.
#    The answer is only a hint: it may change at once.

mm m
mmap(m, 0x100000, pages=1, prot=rw)
mmap(m, 0x300000, pages=1, prot=rw)

thread scanner {
  mmap_read_lock(m)
  addr = 0
  while true {
    vma = find_vma(m, addr)
    if !vma {
      break
    }
    addr = vma.vm_end
    if mmap_lock_is_contended(m) {
      mmap_read_unlock(m)
      cond_resched()
      mmap_read_lock(m)
    }
  }
  mmap_read_unlock(m)
}

thread writer {
  mmap_write_lock(m)
  mmap_write_unlock(m)
}

expect ok
