# The vmacache sequence-number wrap, CVE-2018-17182, the fix: commit
# 7a9cdebdcc17 "mm: get rid of vmacache_flush_all() entirely" (4.19-rc4,
# backported to 4.18.9, 4.14.71, 4.9.128, 4.4.157) made the sequence number
# 64 bits wide, so that it never wraps in practice, and removed
# vmacache_flush_all() with its single-thread shortcut. A task whose
# seqnum is behind drops its cache and looks the VMA up again under the
# lock. Rule: vma/use-after-unmap; see vmacache-seqnum-wrap-buggy.mms.

mm m
mmap(m, 0x100000, pages=1, prot=rw)

mm_seqnum = 0     # mm->vmacache_seqnum, u64 since the fix
task_seqnum = 0   # current->vmacache.seqnum
vma cached = nil  # current->vmacache.vmas[VMACACHE_HASH(addr)]

# include/linux/vmacache.h (4.19): vmacache_invalidate()
func vmacache_invalidate() {
  mm_seqnum = mm_seqnum + 1
}

# mm/vmacache.c (4.19): vmacache_valid(), vmacache_find()
func vmacache_find(addr) {
  if task_seqnum != mm_seqnum {
    task_seqnum = mm_seqnum  # vmacache_flush(current)
    cached = nil
    return nil
  }
  if cached && cached.vm_start <= addr && cached.vm_end > addr {
    return cached
  }
  return nil
}

# mm/mmap.c (4.19): find_vma() with the cache in front
func find_vma_cached(mm, addr) {
  vma = vmacache_find(addr)
  if vma {
    return vma
  }
  vma = find_vma(mm, addr)
  if vma {
    cached = vma  # vmacache_update()
  }
  return vma
}

thread task {
  mmap_read_lock(m)
  vma v = find_vma_cached(m, 0x100000)
  vma again = find_vma_cached(m, 0x100000)  # a cache hit under the same lock
  mmap_read_unlock(m)
  munmap(m, 0x100000, pages=1)
  vmacache_invalidate()
  repeat 3 {
    mmap(m, 0x200000, pages=1, prot=rw)
    munmap(m, 0x200000, pages=1)
    vmacache_invalidate()
  }
  mmap_read_lock(m)
  vma w = find_vma_cached(m, 0x100000)
  assert w == nil || w.vm_start > 0x100000, "the unmapped VMA is not found"
  mmap_read_unlock(m)
}

expect ok
