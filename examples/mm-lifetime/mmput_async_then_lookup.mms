# Q: After mmput_async() has dropped the reference, may the caller go on
#    looking the mm's VMAs up?
# A: No. mmput_async() only defers the teardown of the last reference to
#    a kworker (kernel/fork.c: mmput_async_fn() -> __mmput() ->
#    exit_mmap()); once the process has exited, that kworker may free the
#    VMAs and page tables at any time. The reference is dropped last, as
#    mm-lifetime/mmput_async_under_spinlock.mms does. No kernel check:
#    KASAN's use-after-free. (mmscript does not run the kworker: the lookup
#    is reported against mm_users being zero.)

mm m
mmap(m, 0x100000, pages=1, prot=rw, flags=private)

mmgrab(m)  # the pointer the other side keeps: mm_count (mmgrab())

thread owner {  # do_exit() -> exit_mm() -> mmput(mm)
  mmput(m)
}

thread remote {
  if mmget_not_zero(m) {
    mmput_async(m)
    mmap_read_lock(m)
    vma v = vma_lookup(m, 0x100000)
    mmap_read_unlock(m)
  }
}

expect violation "mm/use-without-mm-users" at 24 sometimes
