# StackRot (CVE-2023-3269), v6.1-v6.4: the stack VMA grew under the mmap
# read lock only (expand_stack from the fault path), so the maple tree was
# modified while other readers walked it; fix 9471f1f2f502 / 8d7071af8907
# ("mm: always expand the stack with the mmap write lock held"), v6.5.
mm m
mmap(m, 0x7ff000, pages=1, prot=rw, flags=private | growsdown)

# fixed: mainline lock_mm_and_find_vma() (kernel library) upgrades to the
# write lock and looks the VMA up again before expand_stack_locked()
# arch/x86/mm/fault.c: do_user_addr_fault() (v6.1, mmap lock path)
func do_user_addr_fault(mm, address) {
  vma = lock_mm_and_find_vma(mm, address)
  if !vma {
    return false  # bad_area
  }
  handle_mm_fault(vma, address, flags=write)
  mmap_read_unlock(mm)
  return true
}

thread a {
  do_user_addr_fault(m, 0x7fe000)
}
thread b {
  do_user_addr_fault(m, 0x7fd000)
}

expect ok
