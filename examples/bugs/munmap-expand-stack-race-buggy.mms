# munmap() downgraded to the read lock while a stack below which it unmapped
# could grow into the hole (CVE-2021-20200; fix 246c320a8cfe "mm/mmap.c:
# close race between munmap() and expand_upwards()/downwards()", Kirill A.
# Shutemov, v5.8-rc7, stable; Fixes: dd2283f2605e "mm: mmap: zap pages with
# read mmap_sem in munmap", v4.20; found by Jann Horn, Project Zero 2056).
#
# Since v4.20 __do_munmap() detached the VMAs, then mmap_write_downgrade()
# and zapped and freed the page tables (unmap_region()) under the read
# lock. But a VM_GROWSDOWN VMA changes its vm_start under the mmap read
# lock (a page fault below it: expand_stack() -> expand_downwards(),
# serialised by the anon_vma lock and page_table_lock only):
#
#   Thread A                        Thread B
#   __do_munmap()
#     detach_vmas_to_be_unmapped()
#     mmap_write_downgrade()
#                                   expand_downwards()
#                                     vma->vm_start = address;
#                                     // the VMA now overlaps the detached ones
#                                   // the page fault populates the expanded part
#     unmap_region()
#       // zaps page tables partly populated by Thread B
#       free_pgtables()
#       // frees page tables populated by Thread B
#
# The fix makes detach_vmas_to_be_unmapped() return false when the VMA
# after the hole is VM_GROWSDOWN (or the one before VM_GROWSUP), and
# __do_munmap() then keeps the write lock.
#
# mmscript's munmap is today's (do_vmi_align_munmap(), which downgrades
# whenever asked: since 8d7071af8907 a stack grows only under the write
# lock); this script restores v5.8's read-locked stack growth, written as
# the examples' StackRot copy does.

mm m
mmap(m, 0x7f0000, pages=4, prot=rw, flags=growsdown)            # the stack
touch(m, 0x7f1000, write)                                       # its anon_vma and a page
mmap(m, 0x7ee000, pages=2, prot=rw, flags=private | anonymous)  # just below it
touch(m, 0x7ee000, write)

# mm/mmap.c (v5.8): expand_downwards(), called with the mmap read lock
func expand_downwards(vma, address) {
  mm = vma.vm_mm
  if vma.vm_flags & VM_GROWSDOWN == 0 {
    return -EFAULT
  }
  address = address / PAGE_SIZE * PAGE_SIZE
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
  # anon_vma_lock_write(vma->anon_vma)
  anon_vma_lock_write(vma)
  error = 0
  if address < vma.vm_start {
    error = -ENOMEM
    if (vma.vm_start - address) / PAGE_SIZE <= vma.vm_pgoff {
      # Overcommit and rlimit checks: acct_stack_growth(); then "vma_gap
      # updates require the page_table_lock" and vma->vm_start = address
      spin_lock(mm.page_table_lock)
      # vma->vm_start = address; vma->vm_pgoff -= grow: mmscript refuses the
      # store ("cannot assign vma.vm_start") and names the kernel's way
      error = vma_iter_store_overwrite(vma, address)
      spin_unlock(mm.page_table_lock)
    }
  }
  anon_vma_unlock_write(vma)
  return error
}

# arch/x86/mm/fault.c (v5.8): do_user_addr_fault(), the VMA lookup and the fault
func fault_5_8(mm, address) {
  mmap_read_lock(mm)
  vma = find_vma(mm, address)
  if !vma {
    mmap_read_unlock(mm)  # bad_area()
    return VM_FAULT_SIGSEGV
  }
  if vma.vm_start > address {
    if vma.vm_flags & VM_GROWSDOWN == 0 || expand_downwards(vma, address) != 0 {  # expand_stack(vma, address): v5.8's; mmscript's expand_stack() is v6.5's (mm, addr)
      mmap_read_unlock(mm)  # bad_area()
      return VM_FAULT_SIGSEGV
    }
  }
  # good_area:
  fault = handle_mm_fault(vma, address, flags="write")
  mmap_read_unlock(mm)
  return fault
}

bool grown_and_faulted = false

thread unmapper {  # munmap(0x7ee000, 2 pages): the area just below the stack
  munmap(m, 0x7ee000, 2 * PAGE_SIZE)
  # the data check (user space reading back what the grower wrote): once the
  # grower's fault completed, a stack that covers 0x7ef000 maps a page there
  if grown_and_faulted {
    mmap_read_lock(m)
    vma v = vma_lookup(m, 0x7ef000)
    if v {
      page p = folio_walk_start(v, 0x7ef000, none)
      assert p != nil, "the stack's page at 0x7ef000 was zapped by munmap()"
      if p {
        folio_walk_end(v, 0x7ef000)  # folio_walk_end(&fw, vma)
      }
    }
    mmap_read_unlock(m)
  }
}

thread grower {  # a write just below the stack, into the area being unmapped
  fault_5_8(m, 0x7ef000)
  grown_and_faulted = true
}

# the race: munmap() zaps the PTE the grower's fault installed in the stack,
# a range the stack's VMA covers by then (munmap/zap-live-vma, also where
# the read-back above runs before the zap)
expect violation "munmap/zap-live-vma" at 102 sometimes
expect error "the stack's page at 0x7ef000 was zapped" sometimes
# v5.8 grew the stack under the read lock (anon_vma lock + page_table_lock);
# mmscript flags that store as StackRot, a maple-tree (v6.1) bug
expect violation "vma/tree-store-needs-mmap-write" sometimes
