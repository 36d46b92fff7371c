# lock_vma_under_rcu() checks vma->anon_vma under the VMA lock: fix
# 657b5146955e "mm: lock_vma_under_rcu() must check vma->anon_vma under vma
# lock" (Jann Horn, v6.5-rc4, in 6.4.8). The check moved after
# vma_start_read(): a concurrent mremap(MREMAP_DONTUNMAP) that unlinked the
# anon_vma did so under the VMA write lock, before the fault's read lock,
# so the fault sees the VMA without an anon_vma, drops the VMA lock and
# falls back to the mmap lock (lock_mm_and_find_vma()), under which
# anon_vma_prepare() may look at the neighbours. 6.4's do_anonymous_page()
# is kept: the fix changed only lock_vma_under_rcu(). See
# lock-vma-anon-vma-buggy.mms.

kernel 6.4

mm m
mmap(m, 0x200000, pages=2, prot=rw)
touch(m, 0x200000, write)  # the VMA gets its anon_vma

# mm/memory.c (v6.4 with 657b5146955e): lock_vma_under_rcu()
func lock_vma_under_rcu(mm, address) {
  rcu_read_lock()
  while true {  # retry:
    vma = vma_find(mm, address, address + 1)  # mas_walk(&mas)
    if !vma {
      break  # goto inval
    }
    # Only anonymous vmas are supported for now
    if vma.vm_ops {  # !vma_is_anonymous(vma)
      break
    }
    # mmscript's vma_start_read(mm, vma) is 6.4's vma_start_read(vma),
    # and fails on a detached VMA too: 6.4 tested vma->detached below
    # and retried
    if !vma_start_read(mm, vma) {
      break
    }
    # find_mergeable_anon_vma uses adjacent vmas which are not locked.
    # This check must happen after vma_start_read(); otherwise, a
    # concurrent mremap() with MREMAP_DONTUNMAP could dissociate the VMA
    # from its anon_vma.
    if !vma.anon_vma {
      vma_end_read(vma)  # goto inval_end_read
      break
    }
    # (userfaultfd_armed(vma): the VMA is not registered with userfaultfd)
    # Check since vm_start/vm_end might change before we lock the VMA
    if address < vma.vm_start || address >= vma.vm_end {
      vma_end_read(vma)  # goto inval_end_read
      break
    }
    rcu_read_unlock()
    return vma
  }
  rcu_read_unlock()  # inval:
  return nil         # count_vm_vma_lock_event(VMA_LOCK_ABORT)
}

# mm/memory.c (v6.4): do_anonymous_page(), a write fault: "Allocate our
# own private page." with anon_vma_prepare(vma), whatever lock the fault
# holds (userfaultfd_missing() and the memcg charge left out)
func do_anonymous_page(vmf) {
  vma = vmf.vma
  if vmf.pmd_none && !pte_alloc(vma.vm_mm, vmf.address) {
    return VM_FAULT_OOM
  }
  if vmf.write && anon_vma_prepare(vma) != 0 {
    return VM_FAULT_OOM  # goto oom
  }
  return set_ptes_locked(vmf)
}

thread mover {  # moves the pages and unlinks the source's anon_vma
  mremap(m, 0x200000, 0x2000, 0x2000, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, 0x600000)
}

thread user {  # a write fault in the source range under the VMA read lock
  touch(m, 0x201000, write)
}

expect ok
