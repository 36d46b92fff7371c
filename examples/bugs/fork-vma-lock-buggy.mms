# fork against the per-VMA-lock page fault (Linux 6.4; fix 49b0638502da
# "fork: lock VMAs of the parent process when forking", 6.4.2/6.5).
#
# 6.4 made x86 page faults take only the VMA read lock
# (lock_vma_under_rcu). dup_mmap() held the parent's mmap write lock but
# did not write-lock the parent's VMAs, so a fault of another thread could
# run while fork copied the VMA: anon_vma_fork() "expects the parents
# vma->anon_vma to not change during the vma copy", and copy_page_range()
# write-protects and shares pages the fault may be installing or copying
# (memory corruption, bugzilla 217624).
#
# Rule: vma/faults-need-vma-write-lock (rule family 3g): the mmap write
# lock does not stop faults under a VMA read lock. Reported at the first
# step that relies on no fault: anon_vma_fork() below.
#
# This is dup_mmap() as 6.4.0 had it: the kernel library's, without
# vma_start_write(mpnt).

mm m
vma v = mmap(m, 0x200000, pages=2, prot=rw)  # never faulted: no anon_vma yet

func dup_mmap(mm, oldmm) {
  if mmap_write_lock_killable(oldmm) != 0 {
    return -EINTR
  }
  mmap_write_lock_nested(mm)
  retval = 0
  for i in 0..oldmm.map_count {
    mpnt = vma_iter_nth(oldmm, i)
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
}

thread sibling {  # another thread of the parent: a per-VMA-lock fault
  touch(m, 0x200000, write)
}

expect violation "vma/faults-need-vma-write-lock" at 36
