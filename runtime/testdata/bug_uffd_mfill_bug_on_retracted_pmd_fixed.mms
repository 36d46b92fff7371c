# The fixed form of bug_uffd_mfill_bug_on_retracted_pmd.mms (4828d207dc51
# "userfaultfd: don't BUG_ON() if khugepaged yanks our page table",
# v6.11-rc4, with 71c186efc1b2 "userfaultfd: fix checks for huge PMDs"
# before it): mfill_atomic() reads the PMD once into dst_pmdval, fails a
# none or huge value with -EEXIST, and leaves a table retracted after that
# to mfill_atomic_pte(): pte_offset_map_lock() re-checks the PMD under the
# PTE lock and fails, and mfill_atomic_install_pte() returns -EAGAIN.
mm m
file f  # a shmem file
mmap(m, 0x200000, pages=512, prot=rw, flags=shared, file=f, vm=uffd_missing)

# mm/userfaultfd.c (v6.11): mfill_atomic(), one page of the loop; the
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
  dst_pmdval = pmdp_get_lockless(mm, dst_addr)
  # If the dst_pmd is THP don't override it and just be strict.
  # (This includes the case where the PMD used to be THP and
  # changed back to none after __pte_alloc().)
  if pmd_none(dst_pmdval) || pmd_trans_huge(dst_pmdval) {  # !pmd_present(dst_pmdval) || pmd_trans_huge(dst_pmdval)
    mmap_read_unlock(mm)
    return -EEXIST
  }
  # For shmem mappings, khugepaged is allowed to remove page
  # tables under us; pte_offset_map_lock() will deal with that.
  # mfill_atomic_pte() -> mfill_atomic_install_pte():
  dst_pte = pte_offset_map_lock(mm, dst_addr)
  if !dst_pte {
    mmap_read_unlock(mm)
    return -EAGAIN
  }
  # set_pte_at(dst_mm, dst_addr, dst_pte, _dst_pte) (the folio's install is not modelled)
  pte_unmap_unlock(dst_pte)
  mmap_read_unlock(mm)
  return 0
}

thread uffd {  # ioctl(UFFDIO_COPY) on the userfaultfd
  mfill_atomic(m, 0x200000)
}

thread khugepaged {  # collapse_file() -> retract_page_tables(mapping, start)
  retract_page_tables(f, 0)
}

expect ok
