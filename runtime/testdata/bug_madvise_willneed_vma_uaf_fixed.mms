# The fixed form of bug_madvise_willneed_vma_uaf.mms (7867fd7cc44e "mm:
# madvise: fix vma user-after-free", v5.9-rc4): madvise_willneed()
# computes the file offset from vma->vm_start and vma->vm_pgoff before
# up_read(&mm->mmap_sem), and touches the VMA no more until do_madvise()
# looks it up again under the retaken lock.
mm m
file f
mmap(m, 0x100000, pages=4, prot=r, flags=private, file=f)

# mm/madvise.c (v5.8): madvise_willneed(), file-backed branch
func madvise_willneed(mm, vma, start, end) {
  file = vma.vm_file
  if !file {
    return -EBADF
  }
  # Filesystem's fadvise may need to take various locks. We need to
  # explicitly grab a reference because the vma (and hence the vma's
  # reference to the file) can go away as soon as we drop mmap_sem.
  offset = start - vma.vm_start + vma.vm_pgoff * PAGE_SIZE
  mmap_read_unlock(mm)  # up_read(&current->mm->mmap_sem)
  # vfs_fadvise(file, offset, end - start, POSIX_FADV_WILLNEED)
  mmap_read_lock(mm)  # down_read(&current->mm->mmap_sem)
  return 0
}

thread advisor {  # do_madvise(): madvise_need_mmap_write(WILLNEED) is false
  mmap_read_lock(m)
  vma = find_vma(m, 0x100000)
  madvise_willneed(m, vma, 0x100000, 0x104000)
  mmap_read_unlock(m)
}

thread mapper {  # mmap(MAP_FIXED) over the range: mmap_region() -> do_munmap()
  mmap(m, 0x100000, pages=4, prot=rw, flags=private | fixed)
}

expect ok
