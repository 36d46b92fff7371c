# Dirty COW (CVE-2016-5195): after faultin_page() broke COW for a
# FOLL_FORCE write to a read-only private mapping, GUP dropped FOLL_WRITE
# and retried follow_page_mask(); a racing MADV_DONTNEED zapped the COW
# copy, the retry read-faulted the page cache page and GUP wrote to it.
# Fix 19be0eaffa3a (FOLL_COW), v4.9.
mm m
file f
mmap(m, 0x400000, pages=1, prot=r, flags=private, file=f)
touch(m, 0x400000, read)

# pre-fix mm/gup.c: __get_user_pages() retry: loop with faultin_page() inlined
func __get_user_pages_page(vma, start, foll_flags) {
  while true {
    page = follow_page_mask(vma, start, foll_flags)
    if page {
      return page
    }
    fault_flags = "read"
    if foll_flags & FOLL_WRITE != 0 {
      fault_flags = "write"
    }
    ret = handle_mm_fault(vma, start, flags=fault_flags)
    if ret & VM_FAULT_ERROR != 0 {
      return -EFAULT
    }
    # "The VM_FAULT_WRITE bit tells us that do_wp_page has broken COW when
    # necessary, even if maybe_mkwrite decided not to set pte_write."
    if fault_flags == "write" && vma.vm_flags & VM_WRITE == 0 {  # ret & VM_FAULT_WRITE: the write fault broke COW
      foll_flags &= ~FOLL_WRITE
    }
  }
}

thread writer {  # write(/proc/self/mem)
  access_process_vm(m, 0x400000, 1, FOLL_FORCE | FOLL_WRITE)
}
thread madv {
  madvise(m, 0x400000, PAGE_SIZE, MADV_DONTNEED)
}

expect violation "gup/write-unbroken-cow" sometimes
