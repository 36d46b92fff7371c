# User-memory access from the kernel, as Linux runs it: every routine
# starts with might_fault(), which records the mmap lock's read
# dependency for lockdep whether or not a fault happens, then copies page
# by page; a missing page takes a kernel-mode fault (no per-VMA lock:
# arch/x86/mm/fault.c do_user_addr_fault() "goto lock_mmap" without
# FAULT_FLAG_USER). `mmscript explain copy_to_user`.

# include/linux/uaccess.h: copy_to_user() -> _inline_copy_to_user();
# mm/memory.c: __might_fault()
func copy_to_user(mm, addr, n) {
  might_fault(mm)
  return raw_copy_to_user(mm, addr, n)  # the bytes not copied
}

# include/linux/uaccess.h: copy_from_user() -> _inline_copy_from_user();
# mm/memory.c: __might_fault()
func copy_from_user(mm, addr, n) {
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
