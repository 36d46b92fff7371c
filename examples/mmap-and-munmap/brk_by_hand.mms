# Q: Growing the heap by hand as SYSCALL_DEFINE1(brk) does: which lock
#    covers the steps between the checks and the new mm->brk?
# A: The mmap write lock throughout: the gap check against the next VMA
#    (vm_start_gap()), the heap VMA found below the old break
#    (vma_prev_limit()), do_brk_flags() which expands it or adds one (under
#    vma_start_write()), and the store of mm->brk ("mm->brk must be
#    protected by write mmap_lock") (mm/mmap.c: SYSCALL_DEFINE1(brk);
#    mm/vma.c: do_brk_flags()).

mm m
b = m.brk

thread grow {
  mmap_write_lock(m)
  oldbrk = m.brk
  newbrk = oldbrk + 2 * PAGE_SIZE
  next = find_vma(m, oldbrk)
  if !next || newbrk + PAGE_SIZE <= vm_start_gap(next) {
    brkvma = vma_prev_limit(m, oldbrk, m.start_brk)
    if do_brk_flags(m, brkvma, oldbrk, newbrk - oldbrk, 0) == 0 {
      mm_set_brk(m, newbrk)
    }
  }
  mmap_write_unlock(m)
  assert touch(m, b, write)
}

expect ok
