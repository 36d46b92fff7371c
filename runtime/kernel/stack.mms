# The page fault's VMA lookup and stack expansion as mainline runs them
# (mm/mmap_lock.c, mm/mmap.c, mm/vma.c of 2026; x86: the stack grows
# down, CONFIG_STACK_GROWSUP is off). Each statement is a step; other
# threads run between any two. The lock drop in lock_mm_and_find_vma()
# and expand_stack() is the window StackRot's fix opened on purpose: the
# VMA is looked up again after the write lock is taken.

# mm/mmap_lock.c: get_mmap_lock_carefully(). A user-mode fault (regs
# user_mode()) never gives up: search_exception_tables() is not modelled.
func get_mmap_lock_carefully(mm) {
  if mmap_read_trylock(mm) {
    return true
  }
  return mmap_read_lock_killable(mm) == 0
}

# mm/mmap_lock.c: mmap_upgrade_trylock(): "We don't have this operation
# yet." It always fails, so the lock is dropped and retaken.
func mmap_upgrade_trylock(mm) {
  return false
}

# mm/mmap_lock.c: upgrade_mmap_lock_carefully()
func upgrade_mmap_lock_carefully(mm) {
  mmap_read_unlock(mm)
  return mmap_write_lock_killable(mm) == 0
}

# mm/mmap_lock.c: lock_mm_and_find_vma(): the VMA with the mmap read lock
# held, or nil with no lock held.
func lock_mm_and_find_vma(mm, addr) {
  if !get_mmap_lock_carefully(mm) {
    return nil
  }
  vma = find_vma(mm, addr)
  if vma && vma.vm_start <= addr {
    return vma
  }
  if !vma || vma.vm_flags & VM_GROWSDOWN == 0 {
    mmap_read_unlock(mm)
    return nil
  }
  # "Otherwise we'll have to drop the mmap lock and re-take it, and also
  # look up the vma again, re-checking it."
  if !mmap_upgrade_trylock(mm) {
    if !upgrade_mmap_lock_carefully(mm) {
      return nil
    }
    vma = find_vma(mm, addr)
    if !vma {
      mmap_write_unlock(mm)  # goto fail
      return nil
    }
    if vma.vm_start <= addr {
      mmap_write_downgrade(mm)  # goto success
      return vma
    }
    if vma.vm_flags & VM_GROWSDOWN == 0 {
      mmap_write_unlock(mm)  # goto fail
      return nil
    }
  }
  if expand_stack_locked(vma, addr) != 0 {
    mmap_write_unlock(mm)  # goto fail
    return nil
  }
  mmap_write_downgrade(mm)  # success:
  return vma
}

# mm/mmap.c: expand_stack(): called with the mmap read lock; the VMA with
# the read lock held again, or nil with no lock held. "legacy interface for
# page faulting. Don't use unless you have to."
func expand_stack(mm, addr) {
  if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0) {
    # before 8d7071af8907 (v6.5): expand_stack(vma, address), the first
    # parameter the VMA, with the mmap read lock held; 0 or -errno
    # (mm/mmap.c: expand_stack() -> expand_downwards())
    return expand_downwards(mm, addr)
  }
  mmap_read_unlock(mm)
  if mmap_write_lock_killable(mm) != 0 {
    return nil
  }
  vma = find_vma(mm, addr)  # find_vma_prev(mm, addr, &prev): prev only grows up
  if vma && vma.vm_start <= addr {
    mmap_write_downgrade(mm)  # goto success
    return vma
  }
  if vma && expand_downwards(vma, addr) == 0 {  # vma_expand_down()
    mmap_write_downgrade(mm)  # goto success
    return vma
  }
  mmap_write_unlock(mm)
  return nil
}

# mm/mmap.c: expand_stack_locked() (!CONFIG_STACK_GROWSUP)
func expand_stack_locked(vma, address) {
  return expand_downwards(vma, address)
}

# mm/mmap.c: find_extend_vma_locked() (!CONFIG_STACK_GROWSUP), mmap lock
# held for write. VM_LOCKED's populate_vma_page_range() is not modelled.
func find_extend_vma_locked(mm, addr) {
  addr = addr / PAGE_SIZE * PAGE_SIZE  # addr &= PAGE_MASK
  vma = find_vma(mm, addr)
  if !vma {
    return nil
  }
  if vma.vm_start <= addr {
    return vma
  }
  if expand_stack_locked(vma, addr) != 0 {
    return nil
  }
  return vma
}

# mm/vma.c: expand_downwards(): "vma is the first one with address <
# vma->vm_start. Have to extend vma. mmap_lock held for writing."
func expand_downwards(vma, address) {
  mm = vma.vm_mm
  if vma.vm_flags & VM_GROWSDOWN == 0 {
    return -EFAULT
  }
  if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0) {
    mmap_assert_write_locked(mm)  # before 8d7071af8907: the read lock
  }
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
  # Lock the VMA before expanding to prevent concurrent page faults
  # (c5d5546ea065 "mm: lock a vma before stack expansion", v6.5)
  if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0) {
    vma_start_write(vma)
  }
  # We update the anon VMA tree.
  anon_vma_lock_write(vma)
  error = 0
  # Somebody else might have raced and expanded it already
  if address < vma.vm_start {
    error = -ENOMEM
    if (vma.vm_start - address) / PAGE_SIZE <= vma.vm_pgoff {  # grow <= vma->vm_pgoff
      # acct_stack_growth(); vma->vm_start = address; vma->vm_pgoff -= grow;
      # vma_iter_store_overwrite(&vmi, vma); before v6.5 under
      # mm->page_table_lock, which serialised growers under the read lock
      if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0) {
        spin_lock(mm.page_table_lock)
        error = vma_iter_store_overwrite(vma, address)
        spin_unlock(mm.page_table_lock)
      } else {
        error = vma_iter_store_overwrite(vma, address)
      }
    }
  }
  anon_vma_unlock_write(vma)
  return error
}

# include/linux/mm.h: vma_is_accessible() (VM_ACCESS_FLAGS), as
# mm/vma.c: expand_downwards() tests the VMA below the stack
func vma_is_accessible(vma) {
  return vma.vm_flags & (VM_READ | VM_WRITE | VM_EXEC) != 0
}
