# Q: ksmd reaches an mm through its mm_slot (mmgrab(): mm_count only) and
#    walks its VMAs under the mmap read lock. When may it walk them?
# A: Only after it found mm_users non-zero under that lock
#    (ksm_test_exit()): once the process's last mmput() runs exit_mmap(),
#    the VMAs and the maple tree are torn down under the write lock, so a
#    walk that starts after that reads a destroyed tree (mm/ksm.c:
#    unmerge_and_remove_all_rmap_items(), commit 6db504ce55bd).

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=private)
madvise(m, 0x100000, 2 * PAGE_SIZE, MADV_MERGEABLE)  # ksm_madvise(): the mm joins ksm_mm_head
touch(m, 0x100000, write)

# mm/ksm.c (v6.3): unmerge_and_remove_all_rmap_items(), for the mm of one mm_slot
func unmerge_and_remove_all_rmap_items(mm) {
  mmap_read_lock(mm)
  # Exit right away if mm is exiting to avoid lockdep issue in the
  # maple tree
  if ksm_test_exit(mm) {
    mmap_read_unlock(mm)  # goto mm_exiting
    return
  }
  for vma in vmas(mm) {  # for_each_vma(vmi, vma)
    if vma.vm_flags & VM_MERGEABLE == 0 || !vma.anon_vma {
      continue
    }
    # err = unmerge_ksm_pages(vma, vma->vm_start, vma->vm_end)
  }
  # remove_trailing_rmap_items(&mm_slot->rmap_list)
  mmap_read_unlock(mm)
}

mmgrab(m)  # ksm_enter(): the mm_slot's mmgrab(mm)

thread owner {  # do_exit() -> exit_mm() -> mmput(mm)
  mmput(m)
}

thread ksmd {  # run_store(): KSM_RUN_UNMERGE
  unmerge_and_remove_all_rmap_items(m)
}

expect ok
