# Q: My driver's kernel thread works on the user process's memory (as
#    vhost's worker does). How does it get at the process's mm, and what
#    keeps the mm alive?
# A: The owner's mm is saved with an mm_users reference (get_task_mm() at
#    set-up, or mmget_not_zero() on a pointer kept by mmgrab()), and the
#    worker adopts it around its accesses with kthread_use_mm() /
#    kthread_unuse_mm() (kernel/kthread.c): current->mm is then that mm,
#    so the GUP calls without an mm argument and the user copies work on
#    it. kthread_use_mm() itself takes only mm_count (mmgrab()), which
#    keeps the struct and not the address space: the worker tests
#    mmget_not_zero() and gives the reference back with mmput() once done.
#    Here the process may exit meanwhile (its own mmput()): the worker then
#    finds mm_users zero and leaves the mm alone.

mm m
mm other  # another process: current_mm() alone could not tell which
mmap(m, 0x200000, pages=1, prot=rw)
page_array pages

mmgrab(m)  # the pointer the worker keeps: mm_count (mmgrab())

thread owner {  # do_exit() -> exit_mm() -> mmput(mm)
  mmput(m)
}

thread worker {
  if mmget_not_zero(m) {
    kthread_use_mm(m)
    mmap_read_lock(current_mm())
    n = get_user_pages(0x200000, 1, FOLL_WRITE, pages)
    mmap_read_unlock(current_mm())
    if n == 1 {
      put_page(pages[0])
    }
    kthread_unuse_mm(m)
    mmput(m)
  }
}

expect ok
