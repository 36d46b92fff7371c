# Q: May a walker call vma_find() (or for_each_vma) without the mmap lock
#    and outside an RCU read-side section?
# A: No: the maple tree may be freed under the walk; under CONFIG_PROVE_RCU
#    mas_root()'s rcu_dereference_check() reports "suspicious RCU usage"
#    (rule vma_iter/needs-lock).

mm m
mmap(m, 0x100000, pages=1, prot=rw)

thread walker {
  vma = vma_find(m, 0, ULONG_MAX)
}

expect violation "vma_iter/needs-lock" at 11
