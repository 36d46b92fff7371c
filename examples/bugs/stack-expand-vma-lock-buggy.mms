# Stack expansion without the VMA write lock (fix c5d5546ea065 "mm: lock a
# vma before stack expansion", Suren Baghdasaryan, v6.5-rc1, with StackRot's
# fix in 6.4.1). StackRot's fix 8d7071af8907 made the stack grow only under
# the mmap write lock, but expand_downwards() still changed vm_start and
# vm_pgoff without vma_start_write(): since 6.4 a page fault on another
# thread runs under the per-VMA read lock alone (lock_vma_under_rcu(), no
# mmap lock), so it read the stack VMA's range and linear page index while
# they changed. The fix added "Lock the VMA before expanding to prevent
# concurrent page faults" (vma_start_write(vma)) to expand_upwards() and
# expand_downwards().
# Rule: vma/tree-store-needs-mmap-write (a VMA's range stored into the tree
# without vma_start_write), at the store. The mmap write lock is held: the
# diagnostic names the missing VMA write lock.

mm m
mmap(m, 0x7f0000, pages=4, prot=rw, flags=growsdown)
touch(m, 0x7f1000, write)  # the stack has an anon_vma and a page

# mm/mmap.c (v6.5-rc1 before c5d5546ea065): expand_downwards(), "vma is the
# first one with address < vma->vm_start. Have to extend vma." Called from
# lock_mm_and_find_vma() -> expand_stack_locked() with the mmap write lock.
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
  # (no vma_start_write(vma) here: the line c5d5546ea065 added)
  anon_vma_lock_write(vma)
  error = 0
  if address < vma.vm_start {
    error = -ENOMEM
    if (vma.vm_start - address) / PAGE_SIZE <= vma.vm_pgoff {
      # acct_stack_growth(); vma->vm_start = address; vma->vm_pgoff -= grow;
      # vma_iter_store(&vmi, vma)
      error = vma_iter_store_overwrite(vma, address)
    }
  }
  anon_vma_unlock_write(vma)
  return error
}

thread grower {  # a fault below the stack: it grows
  touch(m, 0x7ef000, write)
}

thread faulter {  # a fault inside the stack under lock_vma_under_rcu()
  touch(m, 0x7f2000, write)
}

expect violation "vma/tree-store-needs-mmap-write: vma_iter_store_overwrite changes vma[0x7f0000-0x7f4000]'s vm_start without vma_start_write()" at 49
