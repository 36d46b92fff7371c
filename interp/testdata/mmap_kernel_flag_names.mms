# mmap's prot= and flags= take the kernel's names as well as the short
# words: mmap(addr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS)
# as user space and the kernel spell it.

mm m
vma a = mmap(m, 0x100000, pages=1, prot=PROT_READ | PROT_WRITE, flags=MAP_PRIVATE | MAP_ANONYMOUS)
vma b = mmap(m, 0x300000, pages=1, prot=rw, flags=private | anonymous)
assert a.vm_flags == b.vm_flags
vma c = mmap(m, 0x500000, pages=1, prot=PROT_READ, flags=MAP_SHARED)
assert c.vm_flags & VM_SHARED != 0 && c.vm_flags & VM_WRITE == 0
vma d = mmap(m, 0x700000, pages=1, prot=PROT_NONE, flags=MAP_PRIVATE | MAP_POPULATE)
assert d.vm_flags & (VM_READ | VM_WRITE | VM_EXEC) == 0

expect ok
