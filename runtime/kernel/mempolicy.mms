# mbind(2) as mm/mempolicy.c runs it since 6c21e066f925 ("mm/mempolicy:
# Take VMA lock before replacing policy", v6.5-rc4, CVE-2023-4611), each
# statement one step of the C source. Nodemasks, the mode flags,
# queue_pages_range() and migration are not modelled: the policy is its
# MPOL_* mode. The for_each_vma_range() loops are mbind_lock_vmas() and
# mbind_vmas(), one VMA per call.

# mm/mempolicy.c: SYSCALL_DEFINE6(mbind) -> kernel_mbind() -> do_mbind()
func mbind(mm, start, len, mode) {
  return do_mbind(mm, start, len, mode)
}

# mm/mempolicy.c: do_mbind()
func do_mbind(mm, start, len, mode) {
  if start % PAGE_SIZE != 0 {
    return -EINVAL
  }
  len = (len + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE
  end = start + len
  if end < start {
    return -EINVAL
  }
  if end == start {
    return 0
  }
  mmap_write_lock(mm)
  # Lock the VMAs before scanning for pages to migrate, to ensure we don't
  # miss a concurrently inserted page.
  mbind_lock_vmas(mm, find_vma_intersection(mm, start, end), end)
  vma = find_vma_intersection(mm, start, end)
  prev = nil
  if vma {
    prev = vma_prev(mm, vma)
  }
  err = mbind_vmas(mm, vma, prev, start, end, mode)
  mmap_write_unlock(mm)
  return err
}

# mm/mempolicy.c: do_mbind(): for_each_vma_range(vmi, vma, end) vma_start_write(vma);
func mbind_lock_vmas(mm, vma, end) {
  if vma && vma.vm_start < end {
    vma_start_write(vma)
    mbind_lock_vmas(mm, find_vma(mm, vma.vm_end), end)
  }
}

# mm/mempolicy.c: do_mbind(): for_each_vma_range(vmi, vma, end) {
# err = mbind_range(&vmi, vma, &prev, start, end, new); if (err) break; }
func mbind_vmas(mm, vma, prev, start, end, new_pol) {
  if !vma || vma.vm_start >= end {
    return 0
  }
  vmstart = vma.vm_start
  if start > vmstart {
    vmstart = start
  }
  err = mbind_range(mm, vma, prev, start, end, new_pol)
  if err != 0 {
    return err
  }
  vma = find_vma(mm, vmstart)  # *prev: the VMA now covering the piece
  return mbind_vmas(mm, find_vma(mm, vma.vm_end), vma, start, end, new_pol)
}

# mm/mempolicy.c: mbind_range(): split or merge the VMA (if required) and
# apply the new policy
func mbind_range(mm, vma, prev, start, end, new_pol) {
  vmend = vma.vm_end
  if end < vmend {
    vmend = end
  }
  vmstart = vma.vm_start
  if start > vma.vm_start {
    prev = vma
    vmstart = start
  }
  if vma.vm_policy == new_pol {
    return 0  # mpol_equal(vma->vm_policy, new_pol)
  }
  vma = vma_modify_policy(mm, prev, vma, vmstart, vmend, new_pol)
  if !vma {
    return PTR_ERR(vma)  # IS_ERR(vma)
  }
  return vma_replace_policy(vma, new_pol)
}
