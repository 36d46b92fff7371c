# msync(2) as mm/msync.c runs it (2026), one statement a step: the mmap
# read lock while the VMAs are looked at, dropped around vfs_fsync_range()
# of each shared file VMA (MS_SYNC), which takes the inode lock, ordered
# above the mmap lock. get_file()/fput() (the file outliving the VMA) are
# not modelled.

# mm/msync.c: SYSCALL_DEFINE3(msync)
func msync(mm, start, len, flags) {
  unmapped_error = 0
  error = -EINVAL
  if flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC) != 0 {
    return error
  }
  if start % PAGE_SIZE != 0 {  # offset_in_page(start)
    return error
  }
  if flags & MS_ASYNC != 0 && flags & MS_SYNC != 0 {
    return error
  }
  error = -ENOMEM
  len = (len + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE  # (len + ~PAGE_MASK) & PAGE_MASK
  end = start + len
  if end < start {
    return error
  }
  error = 0
  if end == start {
    return error
  }
  # If the interval [start,end) covers some unmapped address ranges, just
  # ignore them, but return -ENOMEM at the end.
  mmap_read_lock(mm)
  vma = find_vma(mm, start)
  while true {
    # Still start < end.
    error = -ENOMEM
    if !vma {
      break  # goto out_unlock
    }
    # Here start < vma->vm_end.
    if start < vma.vm_start {
      if flags == MS_ASYNC {
        break
      }
      start = vma.vm_start
      if start >= end {
        break
      }
      unmapped_error = -ENOMEM
    }
    # Here vma->vm_start <= start < vma->vm_end.
    if flags & MS_INVALIDATE != 0 && vma.vm_flags & VM_LOCKED != 0 {
      error = -EBUSY
      break
    }
    file = vma.vm_file
    fstart = start - vma.vm_start + vma.vm_pgoff * PAGE_SIZE
    fend = fstart + (min(end, vma.vm_end) - start) - 1
    start = vma.vm_end
    if flags & MS_SYNC != 0 && file && vma.vm_flags & VM_SHARED != 0 {
      # get_file(file)
      mmap_read_unlock(mm)
      error = vfs_fsync_range(file, fstart, fend, 1)
      # fput(file)
      if error != 0 || start >= end {
        if error != 0 {  # goto out: return error ? : unmapped_error
          return error
        }
        return unmapped_error
      }
      mmap_read_lock(mm)
      vma = find_vma(mm, start)
    } else {
      if start >= end {
        error = 0
        break
      }
      vma = find_vma(mm, vma.vm_end)
    }
  }
  mmap_read_unlock(mm)  # out_unlock:
  if error != 0 {
    return error
  }
  return unmapped_error
}

# fs/sync.c: vfs_fsync_range() -> file->f_op->fsync, as fs/libfs.c:
# __generic_file_fsync() (generic_file_fsync(), the fsync of simple file
# systems) runs it: the dirty range written and waited on
# (file_write_and_wait_range(), not modelled), then the metadata under
# the inode lock
func vfs_fsync_range(file, start, end, datasync) {
  inode_lock(file)
  # sync_mapping_buffers(inode->i_mapping); sync_inode_metadata(inode, 1)
  inode_unlock(file)
  return 0
}
