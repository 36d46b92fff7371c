# MADV_DONTNEED against a THP fault, CVE-2012-1179 (fix 1a5a9906d4e8 "mm:
# thp: fix pmd_bad() triggering in code paths holding mmap_sem read mode",
# Andrea Arcangeli, v3.4-rc1 and 3.3.1, stable; kernels 2.6.38, THP's
# arrival, to 3.3).
#
# MADV_DONTNEED zaps under the mmap read lock, as a page fault runs.
# zap_pmd_range() tested pmd_trans_huge(*pmd), found the PMD none, and
# called pmd_none_or_clear_bad(pmd), which reads *pmd again. A THP fault
# in between (do_huge_pmd_anonymous_page(), also under the read lock)
# makes the PMD huge, and x86's pmd_bad() is true for a huge PMD:
# pmd_clear_bad() printed "bad pmd" and cleared it without its lock,
# leaking the THP (a host crash from a KVM guest, per the CVE). The fix
# reads the PMD once and takes none and huge alike as nothing to walk
# (pmd_none_or_trans_huge_or_clear_bad(); since v6.5 pte_offset_map()
# makes these tests).
#
# Rule: pgtable/clear-bad-huge-pmd (include/linux/pgtable.h), under
# exploration: the fault has to run between the two reads.
#
# zap_pmd_range() of v3.3 (mm/memory.c) in the kernel library's terms,
# reached from a MADV_DONTNEED written out as v3.3 ran it (madvise_dontneed()
# -> zap_page_range() -> unmap_single_vma()): mmscript's own madvise()
# zaps DONTNEED in one step, which a script cannot open up.

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)

# mm/memory.c (v3.3): zap_pmd_range(), for one PMD entry
func zap_pmd_range(tlb, vma, addr, next) {
  if pmd_trans_huge(pmdp_get_lockless(vma.vm_mm, addr)) {
    if next - addr != PMD_SIZE {
      split_huge_pmd(vma, addr)
    } else if zap_huge_pmd(tlb, vma, addr) {
      return
    }
  }
  if pmd_none_or_clear_bad(vma.vm_mm, addr) {  # reads *pmd again
    return
  }
  zap_pte_range(tlb, vma, addr, next)
}

# mm/madvise.c (v3.3): madvise() -> madvise_dontneed(), under the mmap read
# lock -> zap_page_range() -> unmap_vmas() -> unmap_single_vma()
func madvise_dontneed(mm, start, end) {
  mmap_read_lock(mm)
  vma = find_vma(mm, start)
  tlb = tlb_gather_mmu(mm)
  unmap_single_vma(tlb, vma, start, end)
  tlb_finish_mmu(tlb)
  mmap_read_unlock(mm)
}

thread advisor {
  madvise_dontneed(m, 0x200000, 0x400000)
}

thread faulter {  # another thread touches the range: a THP fault
  touch(m, 0x200000, write)
}
expect violation "pgtable/clear-bad-huge-pmd" at 37 sometimes
