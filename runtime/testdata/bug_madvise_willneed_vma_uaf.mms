# madvise(MADV_WILLNEED) on a file read the VMA after dropping mmap_sem
# (fix 7867fd7cc44e "mm: madvise: fix vma user-after-free", Yang Shi,
# v5.9-rc4, stable 5.4+; Fixes: 692fe62433d4 "mm: Handle MADV_WILLNEED
# through vfs_fadvise()", v5.4). syzbot: KASAN use-after-free in
# madvise_willneed mm/madvise.c:293, the VMA freed by remove_vma() from
# __do_munmap() of a racing mmap(MAP_FIXED).
#
# Kernel functions: madvise_willneed() (v5.8), with do_madvise()'s
# down_read/up_read; mmap_region()'s do_munmap() on the other thread.
# What goes wrong: madvise_willneed() does up_read(&mm->mmap_sem), then
# computes offset from vma->vm_start and vma->vm_pgoff; the other thread
# takes mmap_sem for write and frees that VMA in between.
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
  mmap_read_unlock(mm)  # up_read(&current->mm->mmap_sem)
  offset = start - vma.vm_start + vma.vm_pgoff * PAGE_SIZE
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

expect violation "vma/use-after-unmap" at 27 sometimes
