# expand_downwards() grew the stack VMA (vm_start, vm_pgoff) under the mmap
# write lock without write-locking the VMA, while page faults under the
# per-VMA lock may run on it (fix c5d5546ea065 "mm: lock a vma before stack
# expansion", Suren Baghdasaryan, v6.5-rc1, stable 6.4.1: "per-VMA locks
# should follow the same rules and be write-locked to prevent page faults
# into the VMA being expanded"). Kernels 6.4.0, after StackRot's fix made
# stack expansion take the mmap write lock.
#
# A fault below the stack (the stack grows: lock_mm_and_find_vma() ->
# expand_stack_locked()) and another thread's fault inside the stack under
# lock_vma_under_rcu(): the second reads vm_start and vm_pgoff (linear page
# index) while the first changes them.
#
# Rule: vma/tree-store-needs-mmap-write (the VMA tree store of a VMA that
# is not write-locked: vma_iter_store_overwrite), at the store.

mm m
mmap(m, 0x7ff000, pages=1, prot=rw, flags=private | growsdown)
touch(m, 0x7ff000, write)  # the stack has its anon_vma and a page

# mm/mmap.c (v6.4): expand_downwards(), before c5d5546ea065: "vma is the first one with address <
# vma->vm_start. Have to extend vma. mmap_lock held for writing."
func expand_downwards(vma, address) {
  mm = vma.vm_mm
  if vma.vm_flags & VM_GROWSDOWN == 0 {
    return -EFAULT
  }
  mmap_assert_write_locked(mm)
  address = address / PAGE_SIZE * PAGE_SIZE  # address &= PAGE_MASK
  if address < mmap_min_addr {
    return -EPERM
  }
  # Enforce stack_guard_gap
  prev = vma_prev(mm, vma)
  if prev && prev.vm_flags & VM_GROWSDOWN == 0 && vma_is_accessible(prev) && address - prev.vm_end < stack_guard_gap {
    return -ENOMEM
  }
  # We must make sure the anon_vma is allocated.
  if anon_vma_prepare(vma) != 0 {
    return -ENOMEM
  }
  # We update the anon VMA tree.
  anon_vma_lock_write(vma)
  error = 0
  # Somebody else might have raced and expanded it already
  if address < vma.vm_start {
    error = -ENOMEM
    if (vma.vm_start - address) / PAGE_SIZE <= vma.vm_pgoff {  # grow <= vma->vm_pgoff
      # acct_stack_growth(); vma->vm_start = address; vma->vm_pgoff -= grow;
      # vma_iter_store_overwrite(&vmi, vma)
      error = vma_iter_store_overwrite(vma, address)
    }
  }
  anon_vma_unlock_write(vma)
  return error
}

thread grower {  # a push below the stack: arch/x86/mm/fault.c do_user_addr_fault()
  # after lock_vma_under_rcu() found no VMA (mmscript's touch() does not
  # grow stacks: its fallback is find_vma, so the fault path is written out)
  vma = lock_mm_and_find_vma(m, 0x7fe000)
  if vma {
    fault = handle_mm_fault(vma, 0x7fe000, flags=write)
    mmap_read_unlock(m)
  }
}

thread user {  # another thread's fault inside the stack, under the VMA lock
  touch(m, 0x7ff000, write)
}

expect violation "vma/tree-store-needs-mmap-write: vma_iter_store_overwrite changes vma[0x7ff000-0x800000]'s vm_start without vma_start_write()" at 51
