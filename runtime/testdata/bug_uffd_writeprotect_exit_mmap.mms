# UFFDIO_WRITEPROTECT raced with the exit of the process it was
# registered on: userfaultfd_writeprotect() used ctx->mm, which the
# userfaultfd context keeps only with mmgrab() (mm_count), without taking
# an mm_users reference, while exit_mmap() tore the address space down
# (fix cb185d5f1ebf "userfaultfd: fix a race between writeprotect and
# exit_mmap()", Nadav Amit, v5.15-rc6, stable 5.10+; KASAN on a
# development kernel: "Use mmget_not_zero() to prevent the race as done in
# other userfaultfd operations"; Fixes: 63b2d4174c4a, v5.7).
#
# Kernel functions: userfaultfd_writeprotect() and mwriteprotect_range()
# (fs/userfaultfd.c, mm/userfaultfd.c, v5.14); on the other thread the
# process's exit: exit_mm() -> mmput() -> __mmput() -> exit_mmap()
# (library, kernel/exit.mms, 2026; v5.14's exit_mmap took no mmap lock at
# all, so the walk below then ran on VMAs being freed). What goes wrong:
# mwriteprotect_range() takes the mmap lock and walks the VMAs of an mm
# whose last user is gone.
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

# fs/userfaultfd.c (v5.14): userfaultfd_writeprotect(), ctx->mm from mmgrab()
func userfaultfd_writeprotect(ctx_mm, start, len) {
  return mwriteprotect_range(ctx_mm, start, len, true)
}

mmgrab(m)  # new_userfaultfd(): ctx->mm = current->mm; mmgrab(ctx->mm)

thread owner {  # do_exit() -> exit_mm() -> mmput(mm)
  mmput(m)
}

thread monitor {  # ioctl(uffd, UFFDIO_WRITEPROTECT) from another process
  copy_from_user(mon, 0x500000, 32)  # copy_from_user(&uffdio_wp, user_uffdio_wp, sizeof(...))
  userfaultfd_writeprotect(m, 0x100000, 2 * PAGE_SIZE)
}

expect violation "mm/use-without-mm-users" at 26 sometimes
