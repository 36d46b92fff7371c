# Q: A walker holds the mmap read lock (or a VMA lock) and skips the PMDs
#    with nothing to walk. May it use pmd_none_or_clear_bad()?
# A: Only on a value it read once and found neither none nor huge. Under
#    the mmap read lock a THP fault turns a none PMD huge (and
#    MADV_DONTNEED a huge one none), and x86's pmd_bad() is true for a huge
#    PMD: pmd_none_or_clear_bad() would clear a fresh THP as a bad entry.
#    v3.4 to v6.4 wrote this read-once test as
#    pmd_none_or_trans_huge_or_clear_bad() (include/linux/pgtable.h,
#    1a5a9906d4e8); since v6.5 pte_offset_map() makes it. Here a THP fault
#    races with the walk; the wrong form is
#    pmd_none_or_clear_bad_on_huge_pmd.mms.

mm m
mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)

thread faulter {  # a THP fault: the none PMD becomes huge
  touch(m, 0x200000, write)
}

thread walker {
  mmap_read_lock(m)
  pmdval = pmdp_get_lockless(m, 0x200000)  # pmd_read_atomic(pmd); barrier()
  if !pmd_none(pmdval) && !pmd_trans_huge(pmdval) {
    if !pmd_none_or_clear_bad(m, 0x200000) {  # a table stays a table under the mmap read lock
      pte t = pte_offset_map_lock(m, 0x200000)
      if t {
        pte_unmap_unlock(t)
      }
    }
  }
  mmap_read_unlock(m)
}

expect ok
