# khugepaged's collapse against the per-VMA-lock page fault, the fix
# ("mm/khugepaged: write-lock VMA while collapsing a huge page", Linux
# 6.4): collapse_huge_page() takes vma_start_write(vma) under the mmap
# write lock before it clears the PMD, so a fault under the VMA read lock
# either finishes first (vma_start_write() waits for it) or fails
# lock_vma_under_rcu() and retries under the mmap lock, which khugepaged
# holds for write. The kernel library's path (kernel/khugepaged.mms) runs
# here; see khugepaged-collapse-vma-lock-buggy.mms.

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw)
touch(m, 0x200000, write)  # the PTE table and the anon_vma exist

thread khugepaged {
  khugepaged_collapse(m, 0x200000)
}

thread user {
  touch(m, 0x201000, write)  # a fault under the VMA read lock, same PTE table
}

expect ok
