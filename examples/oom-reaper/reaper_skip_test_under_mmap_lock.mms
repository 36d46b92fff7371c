# Q: The OOM reaper reaches its victim's mm through tsk->signal->oom_mm,
#    a pointer mark_oom_victim() keeps with mmgrab() (mm_count, not
#    mm_users), and unmaps its private memory while the victim may be
#    exiting. What keeps the VMAs and page tables there while it walks
#    and zaps them?
# A: The mmap read lock, taken with mmap_read_trylock(), and MMF_OOM_SKIP
#    found clear under it: exit_mmap() sets the flag after its read-locked
#    unmap and before the mmap_write_lock() under which it frees the page
#    tables and the VMAs, so a reaper that sees it clear under the lock
#    holds that teardown off until it unlocks, and one that sees it set
#    leaves the mm alone (mm/oom_kill.c: oom_reap_task_mm(), "The check
#    for MMF_OOM_SKIP must run under mmap_lock for reading because it
#    serializes against the mmap_write_lock();mmap_write_unlock() cycle in
#    exit_mmap()"; 212925802454 "mm: oom: let oom_reap_task and exit_mmap
#    run concurrently"). Every interleaving is clean. The reaper is the
#    kernel library's (kernel/oom_kill.mms: oom_reap_task_mm,
#    __oom_reap_task_mm, zap_vma_for_reaping).

mm m
vma anon = mmap(m, 0x100000, pages=2, prot=rw, flags=private)
touch(m, 0x100000, write)
touch(m, 0x101000, write)

mmgrab(m)  # mark_oom_victim(): mmgrab(tsk->signal->oom_mm), the reaper's pointer

thread victim {  # SIGKILL: do_exit() -> exit_mm() -> mmput(mm)
  mmput(m)
}

thread oom_reaper {  # oom_reap_task(): tsk->signal->oom_mm, mm_count only
  oom_reap_task_mm(m)
}

expect ok
