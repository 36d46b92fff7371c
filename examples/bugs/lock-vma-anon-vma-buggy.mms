# lock_vma_under_rcu() checked vma->anon_vma before it locked the VMA (fix
# 657b5146955e "mm: lock_vma_under_rcu() must check vma->anon_vma under vma
# lock", Jann Horn, v6.5-rc4; the per-VMA lock fault path of 6.4, from
# 5e31275cc997). The fault path under the VMA lock alone must never reach
# __anon_vma_prepare(), which looks at the neighbouring VMAs
# (find_mergeable_anon_vma()) that the VMA lock does not stabilise: 6.4's
# do_anonymous_page() called anon_vma_prepare(vma) unconditionally, and
# lock_vma_under_rcu() let only VMAs with an anon_vma through. It tested
# that under RCU, before vma_start_read(): in the window a concurrent
# mremap(MREMAP_DONTUNMAP) write-locks the VMA, unlink_anon_vmas() takes
# its anon_vma and the syscall ends; the fault then read-locks the VMA,
# now without an anon_vma, and __anon_vma_prepare() runs under the VMA
# lock alone (a use-after-free of a neighbouring VMA unmapped meanwhile,
# in the commit's message).
# Rule: anon_vma_prepare/needs-mmap-lock, at do_anonymous_page()'s call
# below: 6.4's __anon_vma_prepare() asserted nothing (the rule book dates
# its mmap_assert_locked() to 6.10), so the WARN printed is a later
# kernel's reaction to the same call. The script models 6.4: its lock_vma_under_rcu() (mm/memory.c)
# and its do_anonymous_page() replace the library's everywhere the fault
# path calls them. See lock-vma-anon-vma-fixed.mms.

kernel 6.4

mm m
mmap(m, 0x200000, pages=2, prot=rw)
touch(m, 0x200000, write)  # the VMA gets its anon_vma

# mm/memory.c (v6.4): lock_vma_under_rcu()
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
    # find_mergeable_anon_vma uses adjacent vmas which are not locked
    if !vma.anon_vma {
      break
    }
    # mmscript's vma_start_read(mm, vma) is 6.4's vma_start_read(vma),
    # and fails on a detached VMA too: 6.4 tested vma->detached below
    # and retried
    if !vma_start_read(mm, vma) {
      break
    }
    # (userfaultfd_armed(vma): the VMA is not registered with userfaultfd)
    # Check since vm_start/vm_end might change before we lock the VMA
    if address < vma.vm_start || address >= vma.vm_end {
      vma_end_read(vma)
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

expect violation "anon_vma_prepare/needs-mmap-lock" at 71
