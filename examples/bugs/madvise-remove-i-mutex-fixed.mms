# madvise(MADV_REMOVE) with mmap_sem dropped around the hole punch (fix
# 90ed52ebe481 "[PATCH] holepunch: fix mmap_sem i_mutex deadlock",
# v2.6.20): madvise_remove() does up_write(&current->mm->mmap_sem) before
# vmtruncate_range() takes i_mutex, and down_write() after it, so the
# order stays i_mutex -> mmap_sem everywhere (a write(2) faulting its
# buffer in under i_mutex). Today's madvise_remove() does the same around
# vfs_fallocate(FALLOC_FL_PUNCH_HOLE), with the mmap read lock.
# Rule: lockdep/circular. The buggy form: madvise-remove-i-mutex-buggy.mms.

mm m
file shm
mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=shm)
mmap(m, 0x400000, pages=1, prot=rw, flags=private | anonymous)  # the write(2) buffer, never touched

# mm/madvise.c (v2.6.20): madvise_remove() under sys_madvise()'s mmap_sem
func madvise_remove(mm, file, offset, len) {
  mmap_write_lock(mm)    # sys_madvise(): down_write(&current->mm->mmap_sem)
  mmap_write_unlock(mm)  # vmtruncate_range needs to take i_mutex and i_alloc_sem
  inode_lock(file)       # vmtruncate_range(): mutex_lock(&inode->i_mutex)
  unmap_mapping_range(file, offset, len, even_cows=true)
  inode_unlock(file)
  mmap_write_lock(mm)    # down_write(&current->mm->mmap_sem)
  mmap_write_unlock(mm)  # sys_madvise(): up_write()
}

thread puncher {  # madvise(0x100000, 2 pages, MADV_REMOVE)
  madvise_remove(m, shm, 0, 2 * PAGE_SIZE)
}

thread writer {  # write(fd, 0x400000, PAGE_SIZE) to the same file
  inode_lock(shm)                           # generic_file_aio_write(): mutex_lock(&inode->i_mutex)
  copy_from_user(m, 0x400000, n=PAGE_SIZE)  # the buffer is not present: a page fault takes mmap_sem
  inode_unlock(shm)
}

expect ok
