# mremap's move against the per-VMA-lock page fault (fix "mm/mremap:
# write-lock VMA while remapping it to a new address range", Suren
# Baghdasaryan, in the per-VMA lock series merged for Linux 6.4).
#
# move_vma() runs under the mmap write lock, which before per-VMA locks
# kept every page fault out. A fault under the VMA read lock alone
# (lock_vma_under_rcu) is not kept out: while copy_vma() reads the old
# VMA's anon_vma and vm_pgoff and move_page_tables() moves its entries, a
# fault of another thread can set the anon_vma (vmf_anon_prepare) or
# install a PTE in the old range behind move_ptes(), where the unmap of the
# old range then frees the page the user just wrote. The fix takes
# vma_start_write(vma) in move_vma() ("We don't want racing faults.").
#
# Rule: vma/faults-need-vma-write-lock, reported at copy_vma() (inside the
# kernel library's copy_vma_and_data(), kernel/mremap.mms), the first step
# that relies on no fault. This is the library's move_vma() (mm/mremap.c)
# without the fix's line; the flags are the kernel's (MREMAP_MAYMOVE |
# MREMAP_FIXED). See mremap-move-vma-lock-fixed.mms.

mm m
mmap(m, 0x200000, pages=2, prot=rw)
touch(m, 0x200000, write)

# mm/mremap.c: move_vma() before the fix
func move_vma(vrm) {
  err = prep_move_vma(vrm)
  if err != 0 {
    return err
  }
  # (the fix adds vma_start_write(vrm->vma) here)
  err = copy_vma_and_data(vrm)
  if err != 0 {
    return err
  }
  return unmap_source_vma(vrm)  # or dontunmap_complete() for MREMAP_DONTUNMAP
}

thread mover {
  mremap(m, 0x200000, 0x2000, 0x2000, MREMAP_MAYMOVE | MREMAP_FIXED, 0x600000)
}

thread user {
  touch(m, 0x201000, write)  # a fault under the VMA read lock
}

expect violation "vma/faults-need-vma-write-lock"
