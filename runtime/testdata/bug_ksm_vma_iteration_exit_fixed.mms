# The fixed form of bug_ksm_vma_iteration_exit.mms (6db504ce55bd,
# v6.3-rc4): unmerge_and_remove_all_rmap_items() tests ksm_test_exit()
# after taking the mmap read lock and before for_each_vma() touches the
# tree ("Exit right away if mm is exiting to avoid lockdep issue in the
# maple tree").
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
