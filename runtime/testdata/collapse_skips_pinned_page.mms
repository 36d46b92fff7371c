# khugepaged does not collapse a range with a GUP-pinned page:
# mm/khugepaged.c: hpage_collapse_scan_pmd() and
# __collapse_huge_page_isolate() check is_refcount_suitable() ("Check if
# the page has any GUP (or other external) pins") and give up with
# SCAN_PAGE_COUNT; collapsing would leave the pin on a page the process
# no longer maps.

mm m
mmap(m, 0x200000, pages=512, prot=rw, flags=private)
touch(m, 0x200000, write)
touch(m, 0x201000, write)
assert khugepaged_collapse(m, 0x200000) == SCAN_SUCCEED, "unpinned pages collapse"
assert pmd_trans_huge(pmdp_get_lockless(m, 0x200000))

page_array pinned
mmap(m, 0x400000, pages=512, prot=rw, flags=private, vm=nohugepage)
touch(m, 0x400000, write)
touch(m, 0x401000, write)
assert pin_user_pages_fast(m, 0x401000, 1, true, pinned) == 1
madvise(m, 0x400000, PMD_SIZE, MADV_HUGEPAGE)
assert khugepaged_collapse(m, 0x400000) == SCAN_PAGE_COUNT, "a pinned page stops the collapse"
assert !pmd_trans_huge(pmdp_get_lockless(m, 0x400000))

expect ok
