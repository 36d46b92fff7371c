# Q: zap_vma_for_reaping() never blocks: may the OOM reaper then skip the
#    mmap lock (mmap_read_trylock() fails while the victim's exit_mmap()
#    holds the write lock) and zap the victim's VMAs anyway?
# A: No. Not blocking is about the notifiers and uprobe_munmap(), not
#    about the VMA: a zap needs the VMA stable like any zap (rule book
#    2.8, process_addrs.rst "Page tables"), and without the mmap lock the
#    walk of the VMA tree and the zap race with exit_mmap(), which frees
#    the page tables and the VMAs under the mmap write lock, and with
#    munmap(). The kernel checks nothing: it is a use-after-free (here the
#    reaper reads and zaps through a VMA exit_mmap() freed). Hence the
#    trylock in oom_reap_task_mm(), and a retry when it fails.

mm m
vma anon = mmap(m, 0x100000, pages=2, prot=rw, flags=private)
touch(m, 0x100000, write)

# mm/oom_kill.c: oom_reap_task_mm() and __oom_reap_task_mm() without the
# mmap_read_trylock()
func oom_reap_task_mm(mm) {
  ret = true
  if mm_flags_test(MMF_OOM_SKIP, mm) {
    return ret
  }
  mm_flags_set(MMF_UNSTABLE, mm)
  for vma in vmas(mm) {
    if vma.vm_flags & (VM_HUGETLB | VM_PFNMAP) {
      continue
    }
    if vma_is_anonymous(vma) || vma.vm_flags & VM_SHARED == 0 {
      if zap_vma_for_reaping(vma) {
        ret = false
      }
    }
  }
  return ret
}

mmgrab(m)  # mark_oom_victim(): mmgrab(tsk->signal->oom_mm), the reaper's pointer

thread victim {  # SIGKILL: do_exit() -> exit_mm() -> mmput(mm)
  mmput(m)
}

thread oom_reaper {
  oom_reap_task_mm(m)
}

expect violation "vma_iter/needs-lock" at 25 sometimes
expect violation "mm/use-without-mm-users" at 25 sometimes
expect violation "vma/use-after-unmap" at 26 sometimes
expect violation "vma/use-after-unmap" at 29 sometimes
expect violation "pgtable/traverse-needs-stable-vma" at 30 sometimes
expect violation "vma/use-after-unmap" at 30 sometimes
