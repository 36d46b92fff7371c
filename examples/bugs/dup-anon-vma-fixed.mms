# dup_anon_vma() with the VMA write lock (d8ab9f7b644a "mm: lock VMA in
# dup_anon_vma() before setting ->anon_vma"; mainline write-locks both
# VMAs in vma_expand() and asserts it in dup_anon_vma()): a fault on dst
# either ran before (vma_start_write waited for it) or fails
# lock_vma_under_rcu() and retries under the mmap lock afterwards.
# Rule: vma/faults-need-vma-write-lock (rule family 3g).

mm m
vma dst = mmap(m, 0x200000, pages=1, prot=rw)
vma src = mmap(m, 0x400000, pages=1, prot=rw)
touch(m, 0x400000, write)

func vma_expand(vma, next) {  # mm/vma.c: vma_expand()
  vma_start_write(vma)
  vma_start_write(next)
  dup_anon_vma(vma, next)
}

thread merger {
  mmap_write_lock(m)
  vma_expand(dst, src)
  mmap_write_unlock(m)
}

thread faulter {
  assert touch(m, 0x200000, write)
}

expect ok
