# ksmd walked an exiting mm's VMAs before testing whether it was exiting:
# the maple tree iterator of for_each_vma() read a tree exit_mmap() had
# destroyed (fix 6db504ce55bd "mm/ksm: fix race with VMA iteration and
# mm_struct teardown", Liam R. Howlett, v6.3-rc4, stable 6.1+; syzbot and
# Pengfei Xu; Fixes: a5f18ba07276 "mm/ksm: use vma iterators instead of
# vma linked list", v6.1).
#
# Kernel functions: unmerge_and_remove_all_rmap_items() (mm/ksm.c, v6.2;
# "echo 2 > /sys/kernel/mm/ksm/run"), which reaches each mm through its
# mm_slot (mmgrab(), mm_count only) and relies on ksm_test_exit()
# (mm_users == 0) under the mmap read lock; on the other thread the
# process's exit: mmput() -> exit_mmap() (library, kernel/exit.mms).
# What goes wrong: exit_mmap() tears the VMAs and the maple tree down
# under the mmap write lock; ksmd, taking the read lock after it, runs
# the iterator's first lookup (mas_find) on the destroyed tree before
# the ksm_test_exit() inside the loop.
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

expect violation "mm/use-without-mm-users" at 25 sometimes
