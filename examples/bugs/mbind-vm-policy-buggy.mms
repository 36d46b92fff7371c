# CVE-2023-4611: mbind() replaces vma->vm_policy without the VMA write lock.
# Kernels: 6.4 up to 6.4.7 (per-VMA locks, 5e31275cc997, let anonymous
# faults run under the VMA read lock only); fixed by 6c21e066f925
# ("mm/mempolicy: Take VMA lock before replacing policy", v6.5-rc4,
# 6.4.8).
# Rule: vma-field/vm_policy (Documentation/mm/process_addrs.rst, VMA fields:
# vm_policy is written with the mmap write lock and the VMA write lock).
# do_mbind() held only the mmap write lock. For a range covering a whole
# VMA, mbind_range() neither merges nor splits, so nothing write-locked the
# VMA, and vma_replace_policy() swapped the pointer and freed the old
# policy while a fault under lock_vma_under_rcu() could be using it in
# vma_alloc_folio(): a use-after-free. Below, do_mbind() as 6.4 had it
# (the fix added the vma_start_write() loop); the finding is at the call
# that reaches vma_replace_policy().

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw)

# mm/mempolicy.c: do_mbind() in 6.4, without the VMA write locks
func do_mbind(mm, start, len, mode) {
  end = start + (len + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE
  mmap_write_lock(mm)
  vma = find_vma_intersection(mm, start, end)
  err = mbind_vmas(mm, vma, vma_prev(mm, vma), start, end, mode)
  mmap_write_unlock(mm)
  return err
}

thread binder {
  mbind(m, 0x100000, 4 * PAGE_SIZE, MPOL_BIND)
}

thread faulter {
  touch(m, 0x100000, write)  # do_anonymous_page under the VMA read lock reads vm_policy
}

expect violation "vma-field/vm_policy" at 24
