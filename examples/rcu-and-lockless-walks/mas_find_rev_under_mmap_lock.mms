# Q: What must I hold to walk the VMAs from the top down with
#    mas_find_rev() (mas_for_each_rev(&mas, vma, 0), as the OOM reaper's
#    __oom_reap_task_mm() does)?
# A: The mmap lock, for read or write, as for the walk up: the maple
#    tree's external lock is the mmap lock, and a VMA found under it stays
#    until the lock is dropped, whatever munmap() waits to do. Each step
#    goes on below the VMA before (the ma_state's position: vm_start - 1).

mm m
mmap(m, 0x100000, pages=2, prot=rw)
mmap(m, 0x200000, pages=1, prot=r)

thread walker {
  mmap_read_lock(m)
  index = ULONG_MAX  # MA_STATE(mas, &mm->mm_mt, ULONG_MAX, ULONG_MAX)
  n = 0
  while true {  # mas_for_each_rev(&mas, vma, 0)
    vma = mas_find_rev(m, index, 0)
    if !vma {
      break
    }
    index = vma.vm_start - 1
    n += 1
  }
  assert n == 2 || n == 1, "both VMAs, or the one munmap leaves"
  mmap_read_unlock(m)
}

thread unmapper {
  munmap(m, 0x100000, pages=2)
}

expect ok
