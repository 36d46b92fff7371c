# The fixed form of bug_clear_refs_vm_flags_read_lock.mms, as
# clear_refs_write() reads in 2026: the whole write runs under the mmap
# write lock (64e455079e1b took it for the VM_SOFTDIRTY loop in v3.18;
# 29a951dfb3c3 "mm: fix clear_refs_write locking", v5.10, for all of it),
# vm_flags_clear() write-locks each VMA, and the soft-dirty walk's PTE
# write-protection is flushed with flush_tlb_mm() inside
# inc/dec_tlb_flush_pending().
mm m
mmap(m, 0x100000, pages=2, prot=rw, flags=private)
mmap(m, 0x300000, pages=2, prot=r, flags=private)

# fs/proc/task_mmu.c (2026): clear_refs_write(), type == CLEAR_REFS_SOFT_DIRTY
func clear_refs_write(mm) {
  if mmap_write_lock_killable(mm) != 0 {
    return -EINTR
  }
  for vma in vmas(mm) {  # for_each_vma(vmi, vma)
    if vma.vm_flags & VM_SOFTDIRTY == 0 {
      continue
    }
    vm_flags_clear(vma, VM_SOFTDIRTY)
    vma_set_page_prot(vma)
  }
  inc_tlb_flush_pending(mm)
  # mmu_notifier_invalidate_range_start(); walk_page_range(mm, 0, -1, &clear_refs_walk_ops, &cp);
  # mmu_notifier_invalidate_range_end()
  flush_tlb_mm(mm)
  dec_tlb_flush_pending(mm)
  mmap_write_unlock(mm)  # out_unlock:
  return 0
}

thread writer1 {  # echo 4 > /proc/PID/clear_refs
  clear_refs_write(m)
}

thread writer2 {
  clear_refs_write(m)
}

expect ok
