# Q: May a walker go down the VMAs with mas_find_rev() (mas_for_each_rev,
#    the OOM reaper's walk) without the mmap lock and outside an RCU
#    read-side section?
# A: No, as for the walk up (vma_find): the maple tree may be freed under
#    the walk; under CONFIG_PROVE_RCU mas_root()'s rcu_dereference_check()
#    reports "suspicious RCU usage" (rule vma_iter/needs-lock). The
#    reaper takes the mmap read lock first (mmap_read_trylock() in
#    oom_reap_task_mm()).

mm m
mmap(m, 0x100000, pages=1, prot=rw)

thread walker {
  vma = mas_find_rev(m, ULONG_MAX, 0)
}

expect violation "vma_iter/needs-lock" at 14
