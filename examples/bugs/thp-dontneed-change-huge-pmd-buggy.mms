# Bug: MADV_DONTNEED missed a THP that NUMA balancing was changing (2017).
#
# change_huge_pmd(prot_numa=1) runs under the mmap read lock
# (task_numa_work -> change_prot_numa). It took the huge PMD with
# pmdp_huge_get_and_clear_notify() and put the modified entry back with
# set_pmd_at(), both under the PMD lock; in between the PMD was none.
# MADV_DONTNEED also runs under the mmap read lock, and zap_pmd_range()
# looks at the PMD without the PMD lock: "pmd_trans_huge(*pmd) == 0" and
# pmd_none, so it skips the range, and the THP is still mapped when
# madvise() returns: user space that relies on MADV_DONTNEED zeroing the
# range reads its old data. MADV_FREE's madvise_free_huge_pmd() cleared
# the PMD the same way.
# Fix: ced108037c2a "thp: fix MADV_DONTNEED vs. numa balancing race" and
# 58ceeb6bec86 "thp: fix MADV_DONTNEED vs. MADV_FREE race" (Kirill A.
# Shutemov, v4.12): pmdp_invalidate() instead, which never makes the PMD
# none ("It's critical to not clear pmd intermittently").
# Kernels affected: 3.8 (NUMA balancing's change_huge_pmd under the read
# lock) to 4.11; MADV_FREE's variant 4.5 to 4.11.
# Rule: thp/pmd-cleared-under-read-lock, at the clear; when madvise()
# finishes while the PMD is none, tlb/stale-after-zap in its
# tlb_finish_mmu(): it returns with a CPU still translating the range.

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
assert touch(m, 0x200000, write)  # a PMD-mapped THP (do_huge_pmd_anonymous_page)
assert pmd_trans_huge(pmdp_get_lockless(m, 0x200000))

# mm/huge_memory.c: change_huge_pmd(prot_numa=1) before ced108037c2a
func change_huge_pmd(vma, addr) {
  ptl = pmd_lock(vma.vm_mm, addr)             # __pmd_trans_huge_lock(pmd, vma)
  entry = pmdp_huge_get_and_clear(vma, addr)  # pmdp_huge_get_and_clear_notify(mm, addr, pmd)
  set_huge_pmd_at(vma, addr, entry)           # entry = pmd_modify(entry, newprot); set_pmd_at(mm, addr, pmd, entry)
  spin_unlock(ptl)
}

thread numa {  # task_numa_work() -> change_prot_numa()
  mmap_read_lock(m)
  change_huge_pmd(v, 0x200000)
  mmap_read_unlock(m)
}

thread user {
  madvise(m, 0x200000, 512 * PAGE_SIZE, MADV_DONTNEED)
}

expect violation "thp/pmd-cleared-under-read-lock" at 31
expect violation "tlb/stale-after-zap" sometimes
