# fixup_user_fault(mm, address, fault_flags, &unlocked) as mm/gup.c
# declares it: bool *unlocked, given, lets the fault drop the mmap lock
# (FAULT_FLAG_ALLOW_RETRY) and is set to true when it did ("*unlocked =
# true" after mmap_read_lock() again), so the caller looks its VMA up
# again, as drivers/vfio/vfio_iommu_type1.c: vaddr_get_pfns() does
# ("if (unlocked) { ... goto retry; }"); NULL lets no fault drop it.
# Pointers to variables in helpers: a func takes *p as C does.

mm m
file dev

ops drv {
  fault(vmf) {
    if vmf.allow_retry && !vmf.tried {
      release_fault_lock(vmf)  # waits for I/O without the mmap lock
      return VM_FAULT_RETRY
    }
    page p = alloc_page()
    return p
  }
}

vma v = mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=dev, ops=drv)

# a helper with the kernel's out-parameters
func fault_and_report(mm, addr, unlocked, tries) {
  ret = fixup_user_fault(mm, addr, FAULT_FLAG_WRITE, unlocked)
  *tries += 1
  return ret
}

thread driver {
  mmap_read_lock(m)
  bool unlocked = false
  assert fixup_user_fault(m, 0x100000, FAULT_FLAG_REMOTE | FAULT_FLAG_WRITE, &unlocked) == 0
  assert unlocked, "the fault dropped the lock and fixup_user_fault() retook it"
  if unlocked {
    v = vma_lookup(m, 0x100000)  # the VMA may have changed
  }
  unlocked = false
  assert fixup_user_fault(m, 0x100000, FAULT_FLAG_WRITE, &unlocked) == 0
  assert !unlocked, "a present page: no fault, the lock was kept"
  assert fixup_user_fault(m, 0x101000, FAULT_FLAG_WRITE, NULL) == 0  # no retry: the handler keeps the lock
  int tries = 0
  unlocked = false
  assert fault_and_report(m, 0x102000, &unlocked, &tries) == 0
  assert unlocked && tries == 1
  mmap_read_unlock(m)
}

expect ok
