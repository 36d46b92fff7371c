# User-memory access from the kernel, as Linux runs it: every routine
# starts with might_fault(), which records the mmap lock's read
# dependency for lockdep whether or not a fault happens, then copies page
# by page; a missing page takes a kernel-mode fault (no per-VMA lock:
# arch/x86/mm/fault.c do_user_addr_fault() "goto lock_mmap" without
# FAULT_FLAG_USER). Under pagefault_disable() (or a spinlock: in_atomic())
# might_fault() checks nothing and a fault takes no lock: the copy ends
# where it faults and returns the bytes not copied (do_user_addr_fault():
# faulthandler_disabled() -> bad_area_nosemaphore() ->
# kernelmode_fixup_or_oops() -> fixup_exception()). `mmscript explain
# copy_to_user`, `mmscript explain pagefault_disable`.

# include/linux/uaccess.h: copy_to_user(void __user *to, const void *from,
# unsigned long n) -> _inline_copy_to_user(): might_fault(); if
# (access_ok(to, n)) n = raw_copy_to_user(to, from, n); on current->mm.
# from, the kernel buffer, is any value (&karg, a page, NULL): mmscript
# copies no data. mm/memory.c: __might_fault()
func copy_to_user(to, from, n) {
  mm = current_mm()
  might_fault(mm)
  return raw_copy_to_user(mm, to, n)  # the bytes not copied
}

# include/linux/uaccess.h: copy_from_user(void *to, const void __user
# *from, unsigned long n) -> _inline_copy_from_user(): might_fault(); if
# (access_ok(from, n)) res = raw_copy_from_user(to, from, n); on
# current->mm. to, the kernel buffer, is any value.
# mm/memory.c: __might_fault()
func copy_from_user(to, from, n) {
  mm = current_mm()
  might_fault(mm)
  return raw_copy_from_user(mm, from, n)
}

# mmscript's earlier form, copy_to_user(mm, addr, n): the mm given, not
# current->mm. include/linux/uaccess.h: copy_to_user() ->
# _inline_copy_to_user(); mm/memory.c: __might_fault()
func mmscript_copy_to_user(mm, addr, n) {
  might_fault(mm)
  return raw_copy_to_user(mm, addr, n)  # the bytes not copied
}

# mmscript's earlier form, copy_from_user(mm, addr, n).
# include/linux/uaccess.h: copy_from_user() -> _inline_copy_from_user();
# mm/memory.c: __might_fault()
func mmscript_copy_from_user(mm, addr, n) {
  might_fault(mm)
  return raw_copy_from_user(mm, addr, n)
}

# arch/x86/include/asm/uaccess.h: get_user() -> might_fault(); do_get_user_call();
# mm/memory.c: __might_fault()
func get_user(mm, addr) {
  might_fault(mm)
  if raw_copy_from_user(mm, addr, 8) != 0 {
    return -EFAULT
  }
  return 0
}

# arch/x86/include/asm/uaccess.h: put_user() -> might_fault(); do_put_user_call();
# mm/memory.c: __might_fault()
func put_user(mm, addr) {
  might_fault(mm)
  if raw_copy_to_user(mm, addr, 8) != 0 {
    return -EFAULT
  }
  return 0
}

# include/linux/uaccess.h: __copy_from_user_inatomic(): raw_copy_from_user()
# without might_fault(), for a caller with page faults disabled
# (pagefault_disable(), or a spinlock: in_atomic()), where a missing page
# ends the copy at once: the bytes not copied, and no lock taken. Called
# with faults enabled it faults as copy_from_user does, unannotated. The
# fault: arch/x86/mm/fault.c: do_user_addr_fault(), kernelmode_fixup_or_oops()
func __copy_from_user_inatomic(mm, addr, n) {
  return raw_copy_from_user(mm, addr, n)
}

# include/linux/uaccess.h: __copy_to_user_inatomic(): raw_copy_to_user()
# without might_fault() ("The caller should also make sure he pins the user
# space address so that we don't result in page fault and sleep"). The
# fault: arch/x86/mm/fault.c: do_user_addr_fault(), kernelmode_fixup_or_oops()
func __copy_to_user_inatomic(mm, addr, n) {
  return raw_copy_to_user(mm, addr, n)
}

# mm/maccess.c: copy_from_user_nofault(): 0 or -EFAULT, never a fault that
# sleeps: callable from any context (BPF, perf, tracing). The
# __access_ok() and nmi_uaccess_okay() checks are not modelled.
func copy_from_user_nofault(mm, addr, n) {
  pagefault_disable()
  ret = __copy_from_user_inatomic(mm, addr, n)
  pagefault_enable()
  if ret != 0 {
    return -EFAULT
  }
  return 0
}

# mm/gup.c: fault_in_writeable(): fault the range in by storing a zero
# byte into each page with unsafe_put_user() between
# user_write_access_begin() and user_write_access_end(): destructive (it
# writes), and without might_fault() of its own. A missing page takes the
# kernel-mode fault, with the mmap read lock, so the caller holds no lock a
# fault path takes: it drops its locks, faults the range in, and retries
# its copy under pagefault_disable() (the buffered-write and futex retry
# loops). Returns the bytes not faulted in.
func fault_in_writeable(mm, uaddr, size) {
  if size == 0 {
    return 0
  }
  start = uaddr
  if uaddr % PAGE_SIZE != 0 {
    if raw_copy_to_user(mm, uaddr, 1) != 0 {  # unsafe_put_user(0, uaddr, out)
      return size
    }
    start = (uaddr + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE  # PAGE_ALIGN(uaddr)
  }
  end = (uaddr + size + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE  # PAGE_ALIGN(start + size)
  while start != end {
    if raw_copy_to_user(mm, start, 1) != 0 {  # unsafe_put_user(0, start, out)
      break
    }
    start = start + PAGE_SIZE
  }
  if size > start - uaddr {
    return size - (start - uaddr)
  }
  return 0
}

# mm/gup.c: fault_in_readable(): as fault_in_writeable(), loading a byte
# of each page with unsafe_get_user() between user_read_access_begin() and
# user_read_access_end(). Returns the bytes not faulted in.
func fault_in_readable(mm, uaddr, size) {
  if size == 0 {
    return 0
  }
  start = uaddr
  if uaddr % PAGE_SIZE != 0 {
    if raw_copy_from_user(mm, uaddr, 1) != 0 {  # unsafe_get_user(c, uaddr, out)
      return size
    }
    start = (uaddr + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE
  }
  end = (uaddr + size + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE
  while start != end {
    if raw_copy_from_user(mm, start, 1) != 0 {
      break
    }
    start = start + PAGE_SIZE
  }
  if size > start - uaddr {
    return size - (start - uaddr)
  }
  return 0
}

# mm/gup.c: fault_in_safe_writeable(): fault the range in for writing
# without writing to it ("Unlike fault_in_writeable(), this function is
# non-destructive"): under the mmap read lock it takes itself, one
# fixup_user_fault() per page with FAULT_FLAG_WRITE and &unlocked (a fault
# may drop and re-take the lock). Taking the lock, it must be called with
# none of mm's locks held. Returns the bytes not faulted in.
func fault_in_safe_writeable(mm, uaddr, size) {
  if size == 0 {
    return 0
  }
  start = uaddr
  unlocked = false
  end = (uaddr + size + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE  # PAGE_ALIGN(start + size)
  mmap_read_lock(mm)
  while true {
    if fixup_user_fault(mm, start, FAULT_FLAG_WRITE, &unlocked) != 0 {
      break
    }
    start = (start + PAGE_SIZE) / PAGE_SIZE * PAGE_SIZE  # (start + PAGE_SIZE) & PAGE_MASK
    if start == end {
      break
    }
  }
  mmap_read_unlock(mm)
  if size > start - uaddr {
    return size - (start - uaddr)
  }
  return 0
}
