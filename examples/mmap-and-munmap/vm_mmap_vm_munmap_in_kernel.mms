# Q: How does kernel code map memory into the current process and unmap it
#    again (a driver handing user space a buffer, the ELF loader's
#    vm_mmap() of a segment), and what must it hold?
# A: Nothing of the mm: vm_mmap(file, addr, len, prot, flag, offset) and
#    vm_munmap(start, len) (mm/util.c, mm/mmap.c) act on current->mm and
#    take mmap_write_lock_killable() themselves, as mmap(2) and munmap(2)
#    do. vm_munmap() passes unlock=false to __vm_munmap(), so unlike
#    munmap(2) the zap and ->close run under the write lock. addr is a
#    hint unless flag has MAP_FIXED. find_vma_prev() wants the mmap lock
#    as find_vma() does, though it asserts nothing itself (mm/mmap.c: "RCU
#    lock is missing here since the external mmap_lock() is used
#    instead"); it sets *pprev to the VMA below.

mm m
mmap(m, 0x700000, pages=1, prot=rw)

thread driver {
  addr = vm_mmap(nil, 0x100000, 0x4000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 0)
  assert addr == 0x100000                       # the hint was free
  assert vm_munmap(addr + 0x1000, 0x1000) == 0  # a hole in the middle
  vma prev
  mmap_read_lock(m)
  vma = find_vma_prev(m, addr + 0x1000, &prev)
  assert prev.vm_end == addr + 0x1000
  assert vma.vm_start == addr + 0x2000
  mmap_read_unlock(m)
  assert vm_munmap(addr, 0x4000) == 0
}

thread user {
  touch(m, 0x700000, write)  # a fault on another VMA meanwhile
}

expect ok
