# brk(2) as mm/mmap.c runs it (2025-2026), each statement one step of the
# C source. RLIMIT_DATA, CONFIG_COMPAT_BRK, mlock and userfaultfd are not
# modelled.

# mm/mmap.c: SYSCALL_DEFINE1(brk)
func brk(mm, brk) {
  if mmap_write_lock_killable(mm) != 0 {
    return -EINTR
  }
  origbrk = mm.brk
  if brk < mm.start_brk {
    return brk_out(mm, origbrk)
  }
  newbrk = (brk + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE     # PAGE_ALIGN(brk)
  oldbrk = (mm.brk + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE  # PAGE_ALIGN(mm->brk)
  if oldbrk == newbrk {
    mm_set_brk(mm, brk)    # mm->brk = brk
    mmap_write_unlock(mm)  # success:
    return brk
  }
  # Always allow shrinking brk.
  if brk <= mm.brk {
    brkvma = find_vma_intersection(mm, newbrk, oldbrk)  # vma_find(&vmi, oldbrk) from newbrk
    if !brkvma || brkvma.vm_start >= oldbrk {
      return brk_out(mm, origbrk)  # mapping intersects with an existing non-brk vma.
    }
    # mm->brk must be protected by write mmap_lock. do_vmi_align_munmap()
    # will drop the lock on success, so update it before calling it.
    mm_set_brk(mm, brk)
    if do_vmi_align_munmap(mm, brkvma, newbrk, oldbrk, true) != 0 {
      return brk_out(mm, origbrk)
    }
    return brk  # success_unlocked:
  }
  # Only check if the next VMA is within the stack_guard_gap of the expansion area
  next = find_vma(mm, oldbrk)  # vma_find(&vmi, newbrk + PAGE_SIZE + stack_guard_gap)
  if next && newbrk + PAGE_SIZE > vm_start_gap(next) {
    return brk_out(mm, origbrk)
  }
  brkvma = vma_prev_limit(mm, oldbrk, mm.start_brk)
  # Ok, looks good - let it rip.
  if do_brk_flags(mm, brkvma, oldbrk, newbrk - oldbrk, 0) < 0 {
    return brk_out(mm, origbrk)
  }
  mm_set_brk(mm, brk)
  mmap_write_unlock(mm)  # success:
  return brk
}

# mm/mmap.c: SYSCALL_DEFINE1(brk), its out: label
func brk_out(mm, origbrk) {
  mm_set_brk(mm, origbrk)
  mmap_write_unlock(mm)
  return origbrk
}
