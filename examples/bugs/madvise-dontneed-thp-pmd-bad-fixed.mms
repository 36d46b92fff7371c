# MADV_DONTNEED against a THP fault, fixed (1a5a9906d4e8 "mm: thp: fix
# pmd_bad() triggering in code paths holding mmap_sem read mode", v3.4,
# CVE-2012-1179): zap_pmd_range() skips the PMD with
# pmd_none_or_trans_huge_or_clear_bad(), one read of the PMD tested for
# none and huge together (pmd_read_atomic() and barrier()); a THP fault
# that races with it is seen either as none or as huge, and both mean
# nothing to zap here. "While holding the mmap_sem in read mode the pmd
# becomes stable and stops changing under us only if it's not null and not
# a transhuge pmd."
# Rule: pgtable/clear-bad-huge-pmd. The buggy form and what it leaves
# out: madvise-dontneed-thp-pmd-bad-buggy.mms.

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)

# mm/memory.c (v3.4): zap_pmd_range(), for one PMD entry
func zap_pmd_range(tlb, vma, addr, next) {
  if pmd_trans_huge(pmdp_get_lockless(vma.vm_mm, addr)) {
    if next - addr != PMD_SIZE {
      split_huge_pmd(vma, addr)
    } else if zap_huge_pmd(tlb, vma, addr) {
      return
    }
  }
  if pmd_none_or_trans_huge_or_clear_bad(vma.vm_mm, addr) {
    return
  }
  zap_pte_range(tlb, vma, addr, next)
}

# include/linux/pgtable.h (v3.4 to v6.4):
# pmd_none_or_trans_huge_or_clear_bad()
func pmd_none_or_trans_huge_or_clear_bad(mm, addr) {
  pmdval = pmdp_get_lockless(mm, addr)  # pmd_read_atomic(pmd); barrier()
  if pmd_none(pmdval) || pmd_trans_huge(pmdval) {
    return true
  }
  return pmd_none_or_clear_bad(mm, addr)  # pmd_bad(pmdval): a table stays one under the read lock
}

# mm/madvise.c (v3.4): madvise_dontneed() -> zap_page_range()
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

expect ok
