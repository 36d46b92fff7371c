# The fixed form of bug_uffd_writeprotect_exit_mmap.mms (cb185d5f1ebf,
# v5.15-rc6): userfaultfd_writeprotect() takes an mm_users reference with
# mmget_not_zero() around mwriteprotect_range() and fails with -ESRCH
# when the mm is already exiting; exit_mmap() then runs only after the
# last reference, the walk's included, is dropped.
mm m
mmap(m, 0x100000, pages=2, prot=rw, flags=private, vm=uffd_wp)
touch(m, 0x100000, write)
mm mon  # the monitor process, which holds the userfaultfd
mmap(mon, 0x500000, pages=1, prot=rw, flags=private)

# mm/userfaultfd.c (v5.14): mwriteprotect_range()
func mwriteprotect_range(dst_mm, start, len, enable_wp) {
  mmap_read_lock(dst_mm)
  dst_vma = vma_lookup(dst_mm, start)  # find_dst_vma(dst_mm, start, len)
  if !dst_vma || dst_vma.vm_end < start + len || dst_vma.vm_flags & VM_UFFD_WP == 0 {
    mmap_read_unlock(dst_mm)  # out_unlock: err = -ENOENT
    return -ENOENT
  }
  tlb = tlb_gather_mmu(dst_mm)                         # (2026's uffd_wp_range(); v5.14 flushed in change_protection)
  change_protection(tlb, dst_vma, start, start + len)  # newprot = vm_get_page_prot(vm_flags & ~VM_WRITE), MM_CP_UFFD_WP
  tlb_finish_mmu(tlb)
  mmap_read_unlock(dst_mm)
  return 0
}

# fs/userfaultfd.c (v5.15): userfaultfd_writeprotect(), ctx->mm from mmgrab()
func userfaultfd_writeprotect(ctx_mm, start, len) {
  if mmget_not_zero(ctx_mm) {
    ret = mwriteprotect_range(ctx_mm, start, len, true)
    mmput(ctx_mm)
    return ret
  }
  return -ESRCH
}

mmgrab(m)  # new_userfaultfd(): ctx->mm = current->mm; mmgrab(ctx->mm)

thread owner {  # do_exit() -> exit_mm() -> mmput(mm)
  mmput(m)
}

thread monitor {  # ioctl(uffd, UFFDIO_WRITEPROTECT) from another process
  copy_from_user(mon, 0x500000, 32)  # copy_from_user(&uffdio_wp, user_uffdio_wp, sizeof(...))
  userfaultfd_writeprotect(m, 0x100000, 2 * PAGE_SIZE)
}

expect ok
