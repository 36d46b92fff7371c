# Dirty COW, CVE-2016-5195 (Linux 2.6.22 to 4.8; fixed by 19be0eaffa3a
# "mm: remove gup_flags FOLL_WRITE games from __get_user_pages()").
# Rule: gup/write-unbroken-cow (mm/gup.c: can_follow_write_pte()).
#
# A write to /proc/self/mem (mem_rw -> access_remote_vm with FOLL_FORCE |
# FOLL_WRITE) of a read-only private file mapping breaks COW with a write
# fault, then faultin_page() cleared FOLL_WRITE so that the retry of
# follow_page_mask() accepted the read-only COW copy. If
# madvise(MADV_DONTNEED) zaps the copy in between, the retry, no longer a
# write, faults the file's page-cache page in read-only and GUP hands it
# out for writing: the write lands in the file (here /etc/passwd).
#
# This script models the kernel before the fix by replacing the kernel
# library's retry loop of __get_user_pages() with the 2016 one.

mm m
file passwd
vma v = mmap(m, 0x100000, pages=1, prot=r, flags=private, file=passwd)

# mm/gup.c (v4.8): __get_user_pages() retry: follow_page_mask(), faultin_page()
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
    # VM_WRITE)) *flags &= ~FOLL_WRITE;" (the write fault broke COW)
    if foll_flags & FOLL_WRITE != 0 && vma.vm_flags & VM_WRITE == 0 {
      foll_flags = foll_flags ^ FOLL_WRITE
    }
  }
}

thread procselfmem {
  access_remote_vm(m, 0x100000, 8, FOLL_FORCE | FOLL_WRITE)  # write(fd of /proc/self/mem)
}

thread madvise {
  # madvise(MADV_DONTNEED) in 4.8: madvise_dontneed() -> zap_page_range()
  # under down_read(&mm->mmap_sem)
  mmap_read_lock(m)
  zap_vma_range(v, 0x100000, pages=1)
  mmap_read_unlock(m)
}

expect violation "gup/write-unbroken-cow" at 40
