# Q: Both mmap write locks are held. May fork copy a huge PMD without
#    write-locking the parent VMA?
# A: No. Faults run under the VMA read lock alone since 6.4, which the
#    mmap write lock does not exclude: one may change the huge PMD while
#    copy_huge_pmd() write-protects and shares it (the fork/VMA-lock bug
#    fixed by 49b0638502da, "fork: lock VMAs of the parent process when
#    forking"). Nothing in the kernel checks it.

mm parent
vma pv = mmap(parent, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
touch(parent, 0x200000, write)

thread forker {
  child = dup_mm_alloc(parent)
  mmap_write_lock(parent)
  mmap_write_lock_nested(child)
  src = vma_iter_nth(parent, 0)
  dst = vm_area_dup(src, mm=child)
  vma_iter_bulk_store(dst, src)
  copy_huge_pmd(dst, src, 0x200000)
  mmap_write_unlock(child)
  mmap_write_unlock(parent)
}

expect violation "vma/faults-need-vma-write-lock: copy_huge_pmd" at 20
