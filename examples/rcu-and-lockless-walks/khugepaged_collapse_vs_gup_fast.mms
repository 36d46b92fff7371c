# Q: khugepaged collapses 512 small pages into a THP while another thread
#    takes page references with GUP-fast (no lock, IRQs off). Who waits
#    for whom?
# A: collapse_huge_page() holds every lock a page walk may start under for
#    write (mmap, VMA, anon_vma) while it clears the PMD, and then waits for
#    IRQs-off walkers (tlb_remove_table_sync_one) before it reuses the old
#    table; GUP-fast re-checks the PMD after taking its reference and backs
#    off if it changed. Both run as the kernel's paths, step by step
#    (kernel/khugepaged.mms, kernel/gup_fast.mms).

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw)
touch(m, 0x200000, write)

thread khugepaged {
  khugepaged_collapse(m, 0x200000)
}

thread user {
  get_user_pages_fast_only(m, 0x200000)
}

expect ok
