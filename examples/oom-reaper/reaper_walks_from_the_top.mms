# Q: In which order does the OOM reaper reap a victim's VMAs?
# A: From the top of the address space down. __oom_reap_task_mm() walks
#    the maple tree with mas_for_each_rev(&mas, vma, 0) ("Reduce those
#    races by reaping the oom victim from the other end of the address
#    space", mm/oom_kill.c): the victim's own exit_mmap() unmaps from the
#    bottom up, so the two meet late and contend less for the same page
#    table locks. This script's zap_vma_for_reaping() replaces the
#    library's (kernel/oom_kill.mms) to record the order of its calls.

mm m
vma low = mmap(m, 0x100000, pages=1, prot=rw, flags=private)
vma mid = mmap(m, 0x300000, pages=1, prot=rw, flags=private)
vma high = mmap(m, 0x500000, pages=1, prot=rw, flags=private)

reaped = 0        # how many VMAs were reaped so far
last = ULONG_MAX  # the start of the VMA reaped last

func zap_vma_for_reaping(vma) {
  assert vma.vm_start < last, "each VMA lies below the one reaped before"
  last = vma.vm_start
  reaped += 1
  return 0
}

thread oom_reaper {
  assert oom_reap_task_mm(m)
  assert reaped == 3 && last == 0x100000, "all three, the lowest last"
}

expect ok
