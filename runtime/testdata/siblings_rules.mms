# The rules of the siblings made callable, each triggered where the
# default schedule reaches it: a failed down_write_trylock() of
# &mm->mmap_sem whose caller goes on (kernel/locking/rwsem.c; lockdep's
# bad unlock balance at its up_write()), find_vma_prev()'s NULL used
# (mm/mmap.c: "May return %NULL in the case of no vma at addr or above"),
# and vmf_insert_mixed_mkwrite() over an entry of another pfn (mm/memory.c:
# insert_pfn(): WARN_ON_ONCE(!is_zero_pfn(pte_pfn(entry)))).

mm m
mm n
file pmem
vma dax = mmap(n, 0x400000, pages=1, prot=rw, flags=shared, file=pmem, vm=mixedmap)

thread holder {
  down_write(&m.mmap_sem)
  cond_resched()
  cond_resched()
  up_write(&m.mmap_sem)
}

thread trier {
  down_write_trylock(&m.mmap_sem)
  up_write(&m.mmap_sem)
}

thread looker {
  vma prev
  mmap_read_lock(n)
  vma = find_vma_prev(n, 0x500000, &prev)
  x = vma.vm_start
  mmap_read_unlock(n)
}

thread inserter {
  mmap_read_lock(n)
  vmf_insert_mixed(dax, 0x400000, 0xfd000)
  vmf_insert_mixed_mkwrite(dax, 0x400000, 0xfd001)
  mmap_read_unlock(n)
}

expect violation "down_write_trylock/failure-ignored" at 23
expect fatal "find_vma_prev/null-dereferenced" at 30
expect violation "vmf_insert_mixed_mkwrite/other-pfn" at 37
