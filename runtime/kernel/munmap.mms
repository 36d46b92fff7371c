# munmap(2) as Linux 6.18 runs it, one kernel function per func, each
# statement one step of the C source (other threads run between any two).
# The steps are the runtime's operations: `mmscript explain unmap_vmas`.

# mm/mmap.c: __vm_munmap() (SYSCALL_DEFINE2(munmap) passes unlock=true)
func munmap(mm, start, size, pages) {
  assert size == 0 || pages == 0, "munmap: give size or pages, not both"
  len = size + pages * PAGE_SIZE
  mmap_write_lock_killable(mm)
  ret = do_vmi_munmap(mm, start, len)
  if ret != 0 {
    mmap_write_unlock(mm)  # if (ret || !unlock) mmap_write_unlock(mm);
  }
  return ret
}

# mm/vma.c: do_vmi_munmap(): on success it returns with the lock dropped
func do_vmi_munmap(mm, start, len) {
  if start % PAGE_SIZE != 0 || start > mm.task_size || len > mm.task_size - start {
    return -EINVAL
  }
  end = start + (len + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE  # PAGE_ALIGN(len)
  if end == start {
    return -EINVAL
  }
  vma = find_vma(mm, start)  # vma_find(vmi, end): the first VMA overlapping
  if !vma || vma.vm_start >= end {
    mmap_write_unlock(mm)
    return 0
  }
  return do_vmi_align_munmap(mm, vma, start, end)
}

# mm/vma.c: do_vmi_align_munmap()
func do_vmi_align_munmap(mm, vma, start, end) {
  vms = vms_gather_munmap_vmas(mm, start, end)  # split, vma_start_write, vma_mark_detached
  if vms.error != 0 {
    return vms.error
  }
  vma_iter_clear_gfp(vms)            # lookups no longer find them
  vms_complete_munmap_vmas(mm, vms)  # point of no return
  return 0
}

# mm/vma.c: vms_complete_munmap_vmas()
func vms_complete_munmap_vmas(mm, vms) {
  mmap_write_downgrade(mm)  # if (vms->unlock) mmap_write_downgrade(mm);
  vms_clear_ptes(mm, vms)
  for i in 0..vms.vma_count {  # mas_for_each(mas_detach, vma, ULONG_MAX)
    remove_vma(vms_detached_vma(vms, i))  # ->close under the read lock
  }
  mmap_read_unlock(mm)
}

# mm/vma.c: vms_clear_ptes()
func vms_clear_ptes(mm, vms) {
  tlb = tlb_gather_mmu(mm)
  unmap_vmas(tlb, vms)  # zap under each PTE table's lock
  free_pgtables(tlb, vms)
  tlb_finish_mmu(tlb)  # flush the TLB, then free the pages
}
