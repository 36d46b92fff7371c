# vma_next(&vmi) returns NULL at the end of the walk (include/linux/mm.h:
# vma_next() -> mas_find(&vmi->mas, ULONG_MAX)); its NULL used untested
# is the kernel's NULL pointer dereference, an oops that kills the thread
# holding what it took.
mm m
mmap(m, 0x100000, pages=2, prot=rw)

thread t {
  mmap_read_lock(m)
  VMA_ITERATOR(vmi, m, 0x900000)  # above every VMA
  vma x = vma_next(&vmi)
  y = x.vm_start
}

expect fatal "vma_next/null-dereferenced" at 12
