# Q: I call mmap_read_trylock() where I must not sleep. May I go on
#    without testing what it returned?
# A: No: it fails whenever a writer holds or waits for the lock, and then
#    the caller holds nothing. Since 52f657e34d7b (2026) it is
#    __must_check: the compiler warns where its result is discarded
#    ("ignoring return value ... declared with attribute
#    'warn_unused_result'"), which CONFIG_WERROR makes an error. A caller
#    that went on anyway looks a VMA up under no lock while munmap() frees
#    it, and its mmap_read_unlock() releases a lock it never took
#    (lockdep: "bad unlock balance"; without lockdep it corrupts the rwsem
#    count under the writer). The OOM reaper tests it
#    (mm/oom_kill.c: oom_reap_task_mm(): if (!mmap_read_trylock(mm))
#    return false).

mm m
mmap(m, 0x100000, pages=2, prot=rw)

thread unmapper {
  munmap(m, 0x100000, 2 * PAGE_SIZE)
}

thread reaper {  # oom_reap_task_mm() without its test
  mmap_read_trylock(m)
  vma vma = vma_lookup(m, 0x100000)
  if vma {
    locked = vma.vm_flags & VM_LOCKED
  }
  mmap_read_unlock(m)
}

expect violation "mmap_read_trylock/result-unused" at 23
expect violation "vma_lookup/unstable-result" at 24 sometimes
expect violation "vma/use-after-unmap" at 26 sometimes
expect violation "mmap_read_trylock/failure-ignored" at 28 sometimes
