# dup_anon_vma() without the VMA write lock (Linux 6.4; fix d8ab9f7b644a
# "mm: lock VMA in dup_anon_vma() before setting ->anon_vma", 6.4.8/6.5).
#
# When a merge expands a VMA over its neighbour (vma_expand()), it calls
# dup_anon_vma(dst, src): if src has an anon_vma and dst none,
# dst->anon_vma = src->anon_vma, then anon_vma_clone(). dst was not
# write-locked, so from the assignment on, faults under the per-VMA lock
# install pages into dst tied to an anon_vma that dst is not chained to
# yet; if anon_vma_clone() then fails (-ENOMEM), dst->anon_vma is reset
# and those pages keep an anon_vma that can be freed under them
# (use-after-free in folio_lock_anon_vma_read()). Found by Jann Horn.
#
# Rule: vma/faults-need-vma-write-lock (rule family 3g); mainline asserts
# it there (vma_assert_write_locked(dst), debug kernels).
#
# vma_expand() of 6.4 reduced to the two VMA locks and the call; the 6.4
# dup_anon_vma() had no lock of its own, this one asserts (as mainline).

mm m
vma dst = mmap(m, 0x200000, pages=1, prot=rw)  # not faulted: no anon_vma
vma src = mmap(m, 0x400000, pages=1, prot=rw)
touch(m, 0x400000, write)  # src has an anon_vma

func vma_expand(vma, next) {  # mm/mmap.c (6.4): remove_next case
  vma_start_write(next)
  dup_anon_vma(vma, next)
}

thread merger {
  mmap_write_lock(m)
  vma_expand(dst, src)
  mmap_write_unlock(m)
}

thread faulter {  # another thread: a per-VMA-lock fault on dst
  touch(m, 0x200000, write)
}

expect violation "vma/faults-need-vma-write-lock" at 26
