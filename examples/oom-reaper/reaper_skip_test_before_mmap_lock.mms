# Q: May the OOM reaper test MMF_OOM_SKIP before it takes the mmap lock,
#    and skip the trylock's cost for an mm exit_mmap() is done with?
# A: No. Found clear without the lock, the flag says nothing by the time
#    the lock is taken: the victim's last mmput() may run all of
#    exit_mmap() in between (the unmap, MMF_OOM_SKIP, the page tables and
#    the VMAs freed under the mmap write lock), and the reaper, which holds
#    no mm_users reference (tsk->signal->oom_mm is mmgrab()'s), then walks
#    the VMA tree exit_mmap() destroyed (mm/use-without-mm-users: the
#    reason 6db504ce55bd gives for KSM's ksm_test_exit() under the lock).
#    Before 64591e8605d6 ("mm: protect free_pgtables with mmap_lock write
#    lock in exit_mmap"), exit_mmap() freed the page tables after an empty
#    mmap_write_lock();mmap_write_unlock() cycle, and such a reaper zapped
#    page tables being freed; the test under the lock is what 212925802454
#    ("mm: oom: let oom_reap_task and exit_mmap run concurrently")
#    serialized against that cycle (mm/oom_kill.c: oom_reap_task_mm()).

mm m
vma anon = mmap(m, 0x100000, pages=2, prot=rw, flags=private)
touch(m, 0x100000, write)
touch(m, 0x101000, write)

# mm/oom_kill.c: oom_reap_task_mm() with the MMF_OOM_SKIP test moved out
# of the read lock
func oom_reap_task_mm(mm) {
  ret = true
  if mm_flags_test(MMF_OOM_SKIP, mm) {  # no lock held: the answer is stale at once
    return ret
  }
  if !mmap_read_trylock(mm) {
    return false
  }
  ret = __oom_reap_task_mm(mm)
  mmap_read_unlock(mm)
  return ret
}

mmgrab(m)  # mark_oom_victim(): mmgrab(tsk->signal->oom_mm), the reaper's pointer

thread victim {  # SIGKILL: do_exit() -> exit_mm() -> mmput(mm)
  mmput(m)
}

thread oom_reaper {  # oom_reap_task(): tsk->signal->oom_mm, mm_count only
  oom_reap_task_mm(m)
}

expect violation "mm/use-without-mm-users" at 32 sometimes
