# Q: May a walker under the mmap read lock call pmd_none_or_clear_bad() on
#    a PMD without testing pmd_trans_huge() on the same value first?
# A: No. A huge PMD is bad to x86's pmd_bad() (_PAGE_PSE is not part of
#    _KERNPG_TABLE): pmd_clear_bad() prints "bad pmd" (pmd_ERROR()) and
#    clears it, leaking the THP and its deposited page table; the kernel
#    checks nothing else. Read the PMD once and take huge as none, as
#    pmd_none_or_clear_bad_read_once.mms does.

mm m
mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
touch(m, 0x200000, write)  # a THP: the PMD is huge

thread walker {
  mmap_read_lock(m)
  if !pmd_none_or_clear_bad(m, 0x200000) {
    pte t = pte_offset_map_lock(m, 0x200000)
    if t {
      pte_unmap_unlock(t)
    }
  }
  mmap_read_unlock(m)
}

expect violation "pgtable/clear-bad-huge-pmd" at 15
