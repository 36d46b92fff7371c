# Q: I copied a get_user_pages_remote() caller from the kernel, with its
#    int *locked. What must it do after the call?
# A: Unlock only if *locked is still 1. With locked passed (FOLL_UNLOCKABLE)
#    a fault may drop the mmap lock to wait for I/O (FAULT_FLAG_ALLOW_RETRY);
#    GUP re-takes it to retry the page with FOLL_TRIED and returns with the
#    lock released and *locked = 0 (mm/gup.c: get_user_pages_remote(),
#    __get_user_pages_locked()). The kernel's arguments work as written:
#    get_user_pages_remote(mm, start, nr_pages, gup_flags, pages, &locked),
#    and the variable passed as &locked is set as the kernel sets *locked.
#    The callers in the kernel test it: "if (locked) mmap_read_unlock(mm)"
#    (mm/memory.c: __access_remote_vm() before 6.5, kernel/events/uprobes.c).

mm m
file dev

ops drv {
  fault(vmf) {
    if vmf.allow_retry && !vmf.tried {
      release_fault_lock(vmf)  # wait for the device without the lock
      return VM_FAULT_RETRY
    }
    page p = alloc_page()
    return p
  }
}

mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
page_array pages

thread tracer {
  int locked = 1
  mmap_read_lock(m)
  n = get_user_pages_remote(m, 0x100000, 2, FOLL_WRITE | FOLL_FORCE, pages, &locked)
  if locked {
    mmap_read_unlock(m)
  }
  assert n == 2 && !locked
  for i in 0..n {
    put_page(pages[i])
  }
}

expect ok
