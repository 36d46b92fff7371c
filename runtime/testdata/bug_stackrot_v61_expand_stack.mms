# StackRot (CVE-2023-3269), v6.1-v6.4: the stack VMA grew under the mmap
# read lock only (expand_stack from the fault path), so the maple tree was
# modified while other readers walked it; fix 9471f1f2f502 / 8d7071af8907
# ("mm: always expand the stack with the mmap write lock held"), v6.5.
mm m
mmap(m, 0x7ff000, pages=1, prot=rw, flags=private | growsdown)

# v6.1 arch/x86/mm/fault.c: do_user_addr_fault(), its VMA lookup
func lock_mm_and_find_vma(mm, addr) {
  mmap_read_lock(mm)
  vma = find_vma(mm, addr)
  if !vma {
    mmap_read_unlock(mm)
    return nil
  }
  if vma.vm_start <= addr {
    return vma  # good_area
  }
  if vma.vm_flags & VM_GROWSDOWN == 0 {
    mmap_read_unlock(mm)
    return nil
  }
  if expand_stack(vma, addr) != 0 {
    mmap_read_unlock(mm)
    return nil
  }
  return vma
}

# v6.1 mm/mmap.c: expand_stack() -> expand_downwards(), "vma is the first
# one with address < vma->vm_start", under the mmap read lock
func expand_stack(vma, address) {
  mm = vma.vm_mm
  address = address / PAGE_SIZE * PAGE_SIZE
  if anon_vma_prepare(vma) != 0 {
    return -ENOMEM
  }
  anon_vma_lock_write(vma)
  error = 0
  if address < vma.vm_start {
    spin_lock(mm.page_table_lock)
    error = vma_iter_store_overwrite(vma, address)  # vma->vm_start = address; vma_mas_store()
    spin_unlock(mm.page_table_lock)
  }
  anon_vma_unlock_write(vma)
  return error
}

# arch/x86/mm/fault.c: do_user_addr_fault() (v6.1, mmap lock path)
func do_user_addr_fault(mm, address) {
  vma = lock_mm_and_find_vma(mm, address)
  if !vma {
    return false  # bad_area
  }
  handle_mm_fault(vma, address, flags=write)
  mmap_read_unlock(mm)
  return true
}

thread a {
  do_user_addr_fault(m, 0x7fe000)
}
thread b {
  do_user_addr_fault(m, 0x7fd000)
}

expect violation "vma/tree-store-needs-mmap-write" at 42 sometimes
