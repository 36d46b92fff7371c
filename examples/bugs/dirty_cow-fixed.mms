# Dirty COW fixed: CVE-2016-5195, commit 19be0eaffa3a "mm: remove
# gup_flags FOLL_WRITE games from __get_user_pages()" (v4.9 and the stable
# kernels; mainline replaced FOLL_COW by an exclusive-anonymous-page check
# in can_follow_write_pte(), 5535be309971, which is what the kernel
# library runs when a script does not replace the loop).
# Rule: gup/write-unbroken-cow.
#
# faultin_page() keeps FOLL_WRITE and sets FOLL_COW instead; a read-only
# PTE is followed for writing only if it is dirty, that is, if it is the
# COW copy. When madvise(MADV_DONTNEED) zaps the copy, the retry is still
# a write: it faults and breaks COW again, and the file is never written.

mm m
file passwd
vma v = mmap(m, 0x100000, pages=1, prot=r, flags=private, file=passwd)

# mm/gup.c (v4.9): __get_user_pages() retry: follow_page_mask(), faultin_page()
func __get_user_pages_page(vma, start, foll_flags) {
  while true {  # retry: ... case 0: goto retry
    page = follow_page_mask(vma, start, foll_flags)
    if page {
      return page
    }
    ret = faultin_page(vma, start, foll_flags)
    if ret != 0 {
      return ret
    }
    # faultin_page(): "if ((ret & VM_FAULT_WRITE) && !(vma->vm_flags &
    # VM_WRITE)) *flags |= FOLL_COW;"
    if foll_flags & FOLL_WRITE != 0 && vma.vm_flags & VM_WRITE == 0 {
      foll_flags = foll_flags | FOLL_COW
    }
  }
}

thread procselfmem {
  access_remote_vm(m, 0x100000, 8, FOLL_FORCE | FOLL_WRITE)  # write(fd of /proc/self/mem)
}

thread madvise {
  mmap_read_lock(m)
  zap_vma_range(v, 0x100000, pages=1)
  mmap_read_unlock(m)
}

expect ok
