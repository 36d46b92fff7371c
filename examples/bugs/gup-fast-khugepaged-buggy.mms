# Bug: khugepaged freed a PTE table that GUP-fast could still be walking
# (2022).
#
# GUP-fast walks with IRQs off and no lock: it reads the PMD, maps the PTE
# table it points to, reads the PTE, takes a folio reference and re-checks
# the PMD and the PTE (commit 70cbc3cc78a9 added the PMD re-check). The
# re-check tells it the table was retracted, but by then it has read the
# table. Taking every walk-starting lock for write (8d3c106e19e8) does not
# stop a lockless walker: collapse_and_free_pmd() freed the table with
# pte_free() while GUP-fast was still in it.
# Fix: 2ba99c5e0881 "mm/khugepaged: fix GUP-fast interaction by sending
# IPI" (Jann Horn, v6.1): tlb_remove_table_sync_one() between
# pmdp_collapse_flush() and the free waits for every IRQs-off region, so
# no GUP-fast walker is left in the table (collapse_huge_page got the same
# call). Mainline frees retracted tables through RCU (pte_free_defer).
# Kernels affected: 5.4 to 6.1-rc (x86 and other arches whose TLB flush
# does not IPI every CPU that may be in GUP-fast).
# Rule: rcu/use-after-free (a table read after it was freed), found under
# exploration: GUP-fast must be between its PMD read and its PTE read.

mm m
file f
vma v = mmap(m, 0x200000, pages=512, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)

# mm/khugepaged.c: collapse_and_free_pmd() after 8d3c106e19e8, before 2ba99c5e0881
func collapse_and_free_pmd(mm, vma, addr) {
  ptl = pmd_lock(mm, addr)
  pmd = pmdp_collapse_flush(vma, addr)
  spin_unlock(ptl)
  pte_free(mm, pmd)
}

thread khugepaged {
  mmap_write_lock(m)
  vma_start_write(v)
  i_mmap_lock_write(f)
  collapse_and_free_pmd(m, v, 0x200000)
  i_mmap_unlock_write(f)
  mmap_write_unlock(m)
}

thread user {  # e.g. a vmsplice() or io_uring buffer registration
  get_user_pages_fast_only(m, 0x200000)
}

expect violation "rcu/use-after-free" at 44 sometimes
