# Rule vm_insert_page/not-mixedmap-needs-mmap-write: on a VMA without
# VM_MIXEDMAP, vm_insert_page sets the flag and so needs the mmap write
# lock: BUG_ON(mmap_read_trylock()) oopses under the read lock. The task
# dies holding it. Rule book 2.1.

mm m
file dev
vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev)

thread t {
  page p = alloc_page()
  mmap_read_lock(m)
  vm_insert_page(v, 0x100000, p)
  mmap_read_unlock(m)
}

expect fatal "vm_insert_page/not-mixedmap-needs-mmap-write" at 13
