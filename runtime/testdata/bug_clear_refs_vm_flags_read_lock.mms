# /proc/PID/clear_refs (CLEAR_REFS_SOFT_DIRTY, "echo 4") cleared
# VM_SOFTDIRTY in vma->vm_flags holding mmap_sem only for read (v3.11 to
# v3.17; fix 64e455079e1b "mm: softdirty: enable write notifications on
# VMAs after VM_SOFTDIRTY cleared", Peter Feiner, v3.18: "Grab the
# mmap_sem in write mode if any VMAs have VM_SOFTDIRTY set").
#
# Kernel function: clear_refs_write() (fs/proc/task_mmu.c, v3.17), its
# loop over mm->mmap under down_read(&mm->mmap_sem). What goes wrong:
# vm_flags is written under the mmap write lock only (and, since v6.4,
# the VMA write lock, which faults under the VMA read lock rely on);
# two writers of clear_refs (or one and anything else that read-modifies
# vm_flags under the read lock) lose each other's updates, and a fault
# reads vm_flags while it changes.
mm m
mmap(m, 0x100000, pages=2, prot=rw, flags=private)
mmap(m, 0x300000, pages=2, prot=r, flags=private)

# fs/proc/task_mmu.c (v3.17): clear_refs_write(), type == CLEAR_REFS_SOFT_DIRTY
func clear_refs_write(mm) {
  mmap_read_lock(mm)     # down_read(&mm->mmap_sem)
  for vma in vmas(mm) {  # for (vma = mm->mmap; vma; vma = vma->vm_next)
    if vma.vm_flags & VM_SOFTDIRTY != 0 {
      vma.vm_flags &= ~VM_SOFTDIRTY
    }
    # walk_page_range(vma->vm_start, vma->vm_end, &clear_refs_walk)
  }
  mmap_read_unlock(mm)
}

thread writer1 {  # echo 4 > /proc/PID/clear_refs
  clear_refs_write(m)
}

thread writer2 {
  clear_refs_write(m)
}

expect violation "vma-field/vm_flags" at 23
