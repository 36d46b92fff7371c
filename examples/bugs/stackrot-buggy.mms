# StackRot, CVE-2023-3269 (Ruihan Li), Linux 6.1 to 6.4: with the maple
# tree (6.1), a page fault below a stack grew it under the mmap READ lock:
# do_user_addr_fault() -> expand_stack(vma, address) -> expand_downwards(),
# serialised against other expanders only by the anon_vma lock and
# mm->page_table_lock. mas_store_prealloc() replaced maple-tree nodes and
# freed the old ones through RCU, while other threads walked the tree under
# the mmap read lock without holding off that grace period: a use-after-free
# of tree nodes. Fixed in 6.5 (and 6.4.1, 6.3.11, 6.1.37) by commit
# 8d7071af8907 "mm: always expand the stack with the mmap write lock held",
# which added lock_mm_and_find_vma() (see stackrot-fixed.mms).
# Rule: vma/tree-store-needs-mmap-write, reported at the store. This copy
# follows 6.1's expand_downwards() (mm/mmap.c) and x86's fault path.

mm m
mmap(m, 0x7f0000, pages=4, prot=rw, flags=growsdown)
mmap(m, 0x900000, pages=1, prot=rw)

# mm/mmap.c (6.1): expand_downwards(), called with the mmap read lock
func expand_downwards(vma, address) {
  mm = vma.vm_mm
  if vma.vm_flags & VM_GROWSDOWN == 0 {
    return -EFAULT
  }
  address = address / PAGE_SIZE * PAGE_SIZE
  if address < mmap_min_addr {
    return -EPERM
  }
  prev = vma_prev(mm, vma)
  if prev && prev.vm_flags & VM_GROWSDOWN == 0 && vma_is_accessible(prev) && address - prev.vm_end < stack_guard_gap {
    return -ENOMEM
  }
  if anon_vma_prepare(vma) != 0 {
    return -ENOMEM
  }
  anon_vma_lock_write(vma)
  error = 0
  if address < vma.vm_start {
    error = -ENOMEM
    if (vma.vm_start - address) / PAGE_SIZE <= vma.vm_pgoff {
      spin_lock(mm.page_table_lock)
      error = vma_iter_store_overwrite(vma, address)  # mas_store_prealloc()
      spin_unlock(mm.page_table_lock)
    }
  }
  anon_vma_unlock_write(vma)
  return error
}

# arch/x86/mm/fault.c (6.1): do_user_addr_fault(), the VMA lookup
func fault_6_1(mm, address) {
  mmap_read_lock(mm)
  vma = find_vma(mm, address)
  if vma && vma.vm_start > address && vma.vm_flags & VM_GROWSDOWN != 0 {
    if expand_downwards(vma, address) != 0 {  # expand_stack(vma, address)
      vma = nil
    }
  }
  mmap_read_unlock(mm)
}

thread faulter {
  fault_6_1(m, 0x7ef000)
}

thread walker {  # any reader of the VMA tree under the read lock
  mmap_read_lock(m)
  vma v = find_vma(m, 0x900000)
  mmap_read_unlock(m)
}

expect violation "vma/tree-store-needs-mmap-write" at 41
