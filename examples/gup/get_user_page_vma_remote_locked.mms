# Q: How do I get one page of another process's address space, and the VMA
#    that maps it, as uprobes and access_remote_vm() do?
# A: Pin the mm's users (mmget_not_zero(), or get_task_mm()), hold its
#    mmap lock for read around get_user_page_vma_remote()
#    (include/linux/mm.h: it calls get_user_pages_remote(), whose
#    __get_user_pages_locked() asserts mmap_assert_locked()), drop the lock,
#    then mmput(), which may sleep (it can tear the whole mm down) and so
#    runs outside every spinlock.

mm m
vma v = mmap(m, 0x100000, pages=1, prot=rw)

thread tracer {
  if mmget_not_zero(m) {
    mmap_read_lock(m)
    get_user_page_vma_remote(m, 0x100000)
    mmap_read_unlock(m)
    mmput(m)
  }
}

expect ok
