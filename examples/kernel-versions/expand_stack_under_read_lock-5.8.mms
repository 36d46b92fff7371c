# Before the maple tree (v6.1), a page fault below a stack grew it under
# the mmap READ lock: arch/x86/mm/fault.c (5.8): do_user_addr_fault()
# took mmap_read_lock(), find_vma(), and expand_stack(vma, address) ->
# mm/mmap.c: expand_downwards(), serialised against other growers by the
# anon_vma lock and mm->page_table_lock. The rbtree's shape does not
# change, so a reader under the read lock sees only vm_start move: legal
# by design, and no rule flags it (vma/tree-store-needs-mmap-write came
# with the maple tree, d4af56c5c7c6, v6.1). The same code on 6.1 is
# StackRot: expand_stack_under_read_lock-6.1.mms.
kernel 5.8

mm m
mmap(m, 0x7f0000, pages=4, prot=rw, flags=growsdown)
mmap(m, 0x900000, pages=1, prot=rw)

# arch/x86/mm/fault.c (5.8): do_user_addr_fault(), the VMA lookup
func fault_5_8(mm, address) {
  mmap_read_lock(mm)
  vma = find_vma(mm, address)
  if vma && vma.vm_start > address && vma.vm_flags & VM_GROWSDOWN != 0 {
    if expand_stack(vma, address) != 0 {
      vma = nil
    }
  }
  mmap_read_unlock(mm)
  return vma
}

thread faulter {
  vma v = fault_5_8(m, 0x7ef000)
  assert v && v.vm_start == 0x7ef000, "the stack grew"
}

thread walker {
  mmap_read_lock(m)
  vma v = find_vma(m, 0x900000)
  mmap_read_unlock(m)
}

expect ok
