# Q: A driver counts the VMAs of its process with VMA_ITERATOR(vmi, mm, 0)
#    and for_each_vma(vmi, vma) without taking the mmap lock. Is that
#    allowed?
# A: No: for_each_vma() is while ((vma = vma_next(&vmi)) != NULL), and
#    each step walks the maple tree, whose external lock is the mmap lock
#    (kernel/fork.c: mm_init() mt_set_external_lock()): mas_find()
#    dereferences the tree with rcu_dereference_check(...,
#    mt_locked(mas->tree)), a "suspicious RCU usage" splat under lockdep
#    without the mmap lock or rcu_read_lock(); munmap may free the tree's
#    nodes and the VMAs under the walk (include/linux/mm.h: for_each_vma(),
#    vma_next(); lib/maple_tree.c: mas_root()).

mm m
mmap(m, 0x100000, pages=2, prot=rw)
mmap(m, 0x200000, pages=2, prot=rw)

thread driver {
  n = 0
  VMA_ITERATOR(vmi, m, 0)
  for_each_vma(vmi, vma) {  # no mmap_read_lock(m)
    n += 1
  }
}

expect violation "vma_iter/needs-lock" at 20
