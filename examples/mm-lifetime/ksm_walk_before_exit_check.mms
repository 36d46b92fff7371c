# Q: ksmd walks an mm's VMAs under the mmap read lock and tests
#    ksm_test_exit() inside the loop (v6.1, v6.2): what goes wrong when
#    the process exits meanwhile?
# A: for_each_vma()'s first lookup runs before the test: when ksmd takes
#    the lock after exit_mmap() tore the VMAs and the maple tree down, the
#    iterator reads the destroyed tree (mm/use-without-mm-users; fix
#    6db504ce55bd "mm/ksm: fix race with VMA iteration and mm_struct
#    teardown": test ksm_test_exit() before the walk).

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=private)
madvise(m, 0x100000, 2 * PAGE_SIZE, MADV_MERGEABLE)  # ksm_madvise(): the mm joins ksm_mm_head
touch(m, 0x100000, write)

# mm/ksm.c (v6.2): unmerge_and_remove_all_rmap_items(), for the mm of one mm_slot
func unmerge_and_remove_all_rmap_items(mm) {
  mmap_read_lock(mm)
  for vma in vmas(mm) {  # for_each_vma(vmi, vma)
    if ksm_test_exit(mm) {
      break
    }
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

expect violation "mm/use-without-mm-users" at 18 sometimes
