# UFFDIO_COPY into shmem hit BUG_ON(pmd_none(*dst_pmd)) when khugepaged
# retracted the page table under it (fix 4828d207dc51 "userfaultfd: don't
# BUG_ON() if khugepaged yanks our page table", Jann Horn, v6.11-rc4,
# stable 6.6+; Fixes: 1d65b771bc08 "mm/khugepaged: retract_page_tables()
# without mmap or vma lock", v6.5).
#
# Kernel functions: mfill_atomic() (mm/userfaultfd.c, v6.10) under the
# mmap read lock (uffd_mfill_lock); retract_page_tables() (library,
# mm/khugepaged.c) after collapse_file() put a THP of the file in the page
# cache. What goes wrong: mfill_atomic() allocates the PTE table when the
# PMD is none, then asserts BUG_ON(pmd_none(*dst_pmd)); since v6.5
# retract_page_tables() clears a file VMA's PMD holding only i_mmap_rwsem
# for read and the PMD lock, so the PMD can be none again by the time the
# BUG_ON reads it: a kernel oops from an unprivileged ioctl.
mm m
file f  # a shmem file
mmap(m, 0x200000, pages=512, prot=rw, flags=shared, file=f, vm=uffd_missing)

# mm/userfaultfd.c (v6.10): mfill_atomic(), one page of the loop; the
# per-VMA lock of uffd_mfill_lock() replaced by its mmap-read-lock fallback
func mfill_atomic(mm, dst_addr) {
  mmap_read_lock(mm)
  dst_vma = vma_lookup(mm, dst_addr)
  if !dst_vma {
    mmap_read_unlock(mm)
    return -ENOENT
  }
  dst_pmdval = pmdp_get_lockless(mm, dst_addr)           # dst_pmd = mm_alloc_pmd(dst_mm, dst_addr)
  if pmd_none(dst_pmdval) && !pte_alloc(mm, dst_addr) {  # unlikely(__pte_alloc(dst_mm, dst_pmd))
    mmap_read_unlock(mm)
    return -ENOMEM
  }
  # If an huge pmd materialized from under us fail
  if pmd_trans_huge(pmdp_get_lockless(mm, dst_addr)) {
    mmap_read_unlock(mm)
    return -EEXIST
  }
  BUG_ON(pmd_none(pmdp_get_lockless(mm, dst_addr)))
  BUG_ON(pmd_trans_huge(pmdp_get_lockless(mm, dst_addr)))
  # err = mfill_atomic_pte(dst_pmd, dst_vma, dst_addr, src_addr, flags, &folio)
  mmap_read_unlock(mm)
  return 0
}

thread uffd {  # ioctl(UFFDIO_COPY) on the userfaultfd
  mfill_atomic(m, 0x200000)
}

thread khugepaged {  # collapse_file() -> retract_page_tables(mapping, start)
  retract_page_tables(f, 0)
}

expect fatal "BUG_ON" at 38 sometimes
