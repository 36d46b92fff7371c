# The fix of uffd-copy-mmap-sem-recursion-buggy.mms, b6ebaedb4cb1
# "userfaultfd: avoid mmap_sem read recursion in mcopy_atomic" (v4.3-rc1):
# the copy under the mmap_sem runs with page faults disabled and fails
# instead of faulting; mfill_copy_folio_retry() then drops the lock,
# copies with faults enabled (the fault takes the mmap lock on its own),
# retakes the lock and looks the VMA up again. Same locking as the buggy
# script (CONFIG_PER_VMA_LOCK=n), clean in every interleaving.

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

# mm/userfaultfd.c: mfill_copy_folio_locked() as b6ebaedb4cb1 made it: page
# faults disabled around the copy; on failure the caller retries unlocked
func mfill_copy_folio_locked(folio, src_addr) {
  pagefault_disable()
  ret = copy_from_user(current_mm(), src_addr, PAGE_SIZE)
  pagefault_enable()
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

expect ok
