# b6ebaedb4cb1 "userfaultfd: avoid mmap_sem read recursion in mcopy_atomic"
# (Andrea Arcangeli, v4.3-rc1): UFFDIO_COPY copied the source page with
# copy_from_user() under the mmap_sem of the destination it held for read.
# When the source page is not present the copy faults, and the fault takes
# the same mm's mmap_sem for read again: recursive read locking, which
# lockdep reports and which deadlocks once a writer (an mmap() of another
# thread) queues between the two ("If the rwsem starves writers it wasn't
# strictly a bug but lockdep doesn't like it"). The fix copies with page
# faults disabled and, when that fails, drops the lock, copies, and
# retries (mm/userfaultfd.c: mfill_copy_folio_locked(): "Disable page
# faults to prevent potential deadlock and retry the copy outside the
# mmap_lock"). The kernel of the bug took no per-VMA lock: this script
# runs the library's UFFDIO_COPY with the CONFIG_PER_VMA_LOCK=n locking of
# today's mm/userfaultfd.c (uffd_mfill_lock() holds the mmap read lock
# until uffd_mfill_unlock()) and the pre-fix copy.
# Fixed: uffd-copy-mmap-sem-recursion-fixed.mms.

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
mmap(m, 0x200000, pages=1, prot=rw, flags=private)  # the source, not faulted in
ctx = userfaultfd(m)
assert userfaultfd_register(ctx, 0x100000, 0x4000, UFFDIO_REGISTER_MODE_MISSING) == 0

# mm/userfaultfd.c: uffd_mfill_lock(), !CONFIG_PER_VMA_LOCK
func uffd_mfill_lock(dst_mm, dst_start, len) {
  mmap_read_lock(dst_mm)
  dst_vma = find_vma_and_prepare_anon(dst_mm, dst_start)
  if !dst_vma {  # IS_ERR(dst_vma)
    goto out_unlock
  }
  if validate_dst_vma(dst_vma, dst_start + len) {
    return dst_vma
  }
  dst_vma = ERR_PTR(-ENOENT)
out_unlock:
  mmap_read_unlock(dst_mm)
  return dst_vma
}

# mm/userfaultfd.c: uffd_mfill_unlock(), !CONFIG_PER_VMA_LOCK
func uffd_mfill_unlock(vma) {
  mmap_read_unlock(vma.vm_mm)
}

# mm/userfaultfd.c: mcopy_atomic_pte() before b6ebaedb4cb1: the copy with
# page faults enabled, under the mmap_sem
func mfill_copy_folio_locked(folio, src_addr) {
  ret = copy_from_user(current_mm(), src_addr, PAGE_SIZE)
  if ret != 0 {
    return -EFAULT
  }
  return 0
}

thread faulter {
  touch(m, 0x101000, write)
}

thread monitor {
  addr = userfaultfd_ctx_read(ctx)
  userfaultfd_copy(ctx, addr, 0x200000, PAGE_SIZE)
}

thread mapper {
  mmap(m, 0x300000, pages=1)  # takes the mmap lock for write
}

expect violation "uaccess/might-fault-under-mmap-lock" at 48
expect violation "lock/recursive" at 48
expect deadlock sometimes
