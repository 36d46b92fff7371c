# The vmacache sequence-number wrap, CVE-2018-17182 (Jann Horn), Linux 3.15
# to 4.18: each task cached recently found VMA pointers (mm/vmacache.c),
# valid while its seqnum equalled mm->vmacache_seqnum, a u32 bumped by
# vmacache_invalidate() whenever VMAs were unmapped. On a wrap to 0,
# vmacache_flush_all() was to clear every task's cache, but it returned early
# for a single-threaded mm ("Single threaded tasks need not iterate the
# entire list of process"). After 2^32 invalidations the task's stale seqnum
# matched again and vmacache_find() returned a VMA freed by munmap.
# Fixed in 4.19-rc4 by commit 7a9cdebdcc17 "mm: get rid of
# vmacache_flush_all() entirely" (a 64-bit seqnum; see
# vmacache-seqnum-wrap-fixed.mms). The vmacache is gone since 6.1 (maple
# tree). Rule: vma/use-after-unmap, reported at the read of the freed VMA's
# fields. This copy wraps the seqnum at 4 instead of 2^32; the logic is the
# same.

mm m
mmap(m, 0x100000, pages=1, prot=rw)

SEQ_WRAP = 4      # a u32 wraps at 2^32
mm_seqnum = 0     # mm->vmacache_seqnum
task_seqnum = 0   # current->vmacache.seqnum
vma cached = nil  # current->vmacache.vmas[VMACACHE_HASH(addr)]

# include/linux/vmacache.h (4.18): vmacache_invalidate()
func vmacache_invalidate() {
  mm_seqnum = (mm_seqnum + 1) % SEQ_WRAP
  if mm_seqnum == 0 {
    vmacache_flush_all()
  }
}

# mm/vmacache.c (4.18): vmacache_flush_all()
func vmacache_flush_all() {
  mm_users = 1  # atomic_read(&mm->mm_users): one thread
  if mm_users == 1 {
    return  # "Current's flush will occur upon the next lookup."
  }
  task_seqnum = mm_seqnum
  cached = nil
}

# mm/vmacache.c (4.18): vmacache_valid(), vmacache_find()
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

# mm/mmap.c (4.18): find_vma() with the cache in front
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
  mmap_read_unlock(m)
  munmap(m, 0x100000, pages=1)  # 4.18's munmap called vmacache_invalidate()
  vmacache_invalidate()
  repeat 3 {  # 2^32 - 1 more unmaps
    mmap(m, 0x200000, pages=1, prot=rw)
    munmap(m, 0x200000, pages=1)
    vmacache_invalidate()
  }
  mmap_read_lock(m)
  vma w = find_vma_cached(m, 0x100000)
  mmap_read_unlock(m)
}

expect violation "vma/use-after-unmap" at 49
