# The fixed form of bug_lock_vma_anon_vma_check_unlocked.mms (657b5146955e,
# v6.5-rc2): lock_vma_under_rcu() tests vma->anon_vma after
# vma_start_read(), which mremap's vma_start_write() excludes, so a VMA that
# lost its anon_vma to MREMAP_DONTUNMAP falls back to the mmap lock and
# anon_vma_prepare() never runs under the VMA lock alone.

mm m
vma v = mmap(m, 0x200000, pages=1, prot=rw)
assert get_user_pages_unlocked(m, 0x200000, 1, true) == 1  # v has an anon_vma: the fault under the mmap lock (v6.4's VMA-lock fault turned v away)

# mm/memory.c (v6.5-rc2): lock_vma_under_rcu()
func lock_vma_under_rcu_v64(mm, address) {  # lock_vma_under_rcu is an atomic step of mmscript: another name
  rcu_read_lock()
  vma = vma_find(mm, address, address + 1)  # mas_walk(&mas)
  if !vma {
    rcu_read_unlock()
    return nil
  }
  if !vma_start_read(mm, vma) {  # vma_start_read(vma) in v6.4
    rcu_read_unlock()
    return nil
  }
  # Only anonymous vmas are supported for now. (v6.4 tested this before
  # vma_start_read(): safe then, VMAs were freed through RCU; since v6.15
  # (SLAB_TYPESAFE_BY_RCU) the memory may be another VMA's, so mmscript's
  # rule vma/rcu-unlocked-use, of the 2026 kernel, wants it after the lock.)
  if !vma_is_anonymous(vma) {
    vma_end_read(vma)
    rcu_read_unlock()
    return nil
  }
  # find_mergeable_anon_vma uses adjacent vmas which are not locked.
  # This check must happen after vma_start_read(); otherwise, a
  # concurrent mremap() with MREMAP_DONTUNMAP could dissociate the VMA
  # from its anon_vma.
  if !vma.anon_vma {
    vma_end_read(vma)  # goto inval_end_read
    rcu_read_unlock()
    return nil
  }
  # Check since vm_start/vm_end might change before we lock the VMA
  if address < vma.vm_start || address >= vma.vm_end {
    vma_end_read(vma)
    rcu_read_unlock()
    return nil
  }
  rcu_read_unlock()
  return vma
}

# mm/memory.c (v6.4): do_anonymous_page(): "Allocate our own private page."
# with anon_vma_prepare() (vmf_anon_prepare() came in 6.7)
func do_anonymous_page(vmf) {
  vma = vmf.vma
  if vmf.pmd_none && !pte_alloc(vma.vm_mm, vmf.address) {
    return VM_FAULT_OOM
  }
  if vmf.write {
    if anon_vma_prepare(vma) != 0 {
      return VM_FAULT_OOM
    }
  }
  return set_ptes_locked(vmf)
}

thread mover {
  mremap(m, 0x200000, PAGE_SIZE, PAGE_SIZE, flags=maymove | dontunmap, new_addr=0x800000)
}

thread faulter {  # arch/x86/mm/fault.c (v6.4): do_user_addr_fault()
  vma = lock_vma_under_rcu_v64(m, 0x200000)
  if vma {
    fault = handle_mm_fault(vma, 0x200000, flags=write | vma_lock)
    if fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED) == 0 {
      vma_end_read(vma)
    }
  }
}

expect ok
