# CVE-2023-4611 fixed (6c21e066f925): do_mbind() write-locks every VMA in
# the range before mbind_range() stores vma->vm_policy.
mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
touch(m, 0x100000, write)

# v6.4 mm/mempolicy.c: mbind_range() with vma_replace_policy() inlined
func mbind_range(mm, vma, prev, start, end, new_pol) {
  vmend = min(end, vma.vm_end)
  vmstart = max(start, vma.vm_start)
  if vma.vm_policy == new_pol {
    return 0
  }
  vma = vma_modify_policy(mm, prev, vma, vmstart, vmend, new_pol)
  if !vma {
    return -ENOMEM
  }
  vma.vm_policy = new_pol  # vma_replace_policy(): vma->vm_policy = new; /* protected by mmap_lock */
  return 0
}
# v6.4 mm/mempolicy.c: do_mbind() (no vma_start_write loop)
func do_mbind(mm, start, len, mode) {
  end = start + len
  mmap_write_lock(mm)
  vma = find_vma_intersection(mm, start, end)
  for v in vmas(mm, start, end) {
    vma_start_write(v)  # 6c21e066f925
  }
  err = mbind_vmas(mm, vma, vma_prev(mm, vma), start, end, mode)
  mmap_write_unlock(mm)
  return err
}
thread binder {
  mbind(m, 0x100000, 4 * PAGE_SIZE, MPOL_BIND)
}
thread faulter {
  touch(m, 0x101000, write)
}

expect ok
