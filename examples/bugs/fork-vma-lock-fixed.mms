# fork against the per-VMA-lock page fault, fixed (49b0638502da "fork:
# lock VMAs of the parent process when forking", 6.4.2/6.5): dup_mmap()
# does vma_start_write(mpnt) on every parent VMA before copying it, so a
# fault under the VMA read lock either finishes before (the writer waits
# for it) or fails lock_vma_under_rcu() and retries under the mmap lock
# after fork. Rule: vma/faults-need-vma-write-lock (rule family 3g).
#
# dup_mmap() of 6.4 with the fix (the kernel library's, kernel/fork.mms).

mm m
vma v = mmap(m, 0x200000, pages=2, prot=rw)

func dup_mmap(mm, oldmm) {
  if mmap_write_lock_killable(oldmm) != 0 {
    return -EINTR
  }
  mmap_write_lock_nested(mm)
  retval = 0
  for i in 0..oldmm.map_count {
    mpnt = vma_iter_nth(oldmm, i)
    vma_start_write(mpnt)  # the fix
    if retval == 0 && mpnt.vm_flags & VM_DONTCOPY == 0 {
      tmp = vm_area_dup(mpnt, mm=mm)
      if !tmp {
        retval = -ENOMEM
      } else {
        if tmp.vm_flags & VM_WIPEONFORK == 0 {
          anon_vma_fork(tmp, mpnt)
        }
        vma_iter_bulk_store(tmp, mpnt)
        if tmp.vm_flags & VM_WIPEONFORK == 0 {
          retval = copy_page_range(tmp, mpnt)
        }
        vm_ops_open(tmp)
      }
    }
  }
  mmap_write_unlock(mm)
  flush_tlb_mm(oldmm)
  mmap_write_unlock(oldmm)
  return retval
}

thread parent {
  mm child = fork(m)
  assert child
}

thread sibling {  # another thread of the parent: a per-VMA-lock fault
  assert touch(m, 0x200000, write)
}

expect ok
