# Q: /proc/pid/maps walks the VMAs under RCU since 2025, without the mmap
#    lock. May a walker read the fields of the VMAs an RCU walk returns?
# A: Not before it read-locked them: RCU keeps the memory of a VMA that
#    munmap detached (its slab is SLAB_TYPESAFE_BY_RCU), not the VMA, which
#    may be freed and reused meanwhile. lock_next_vma() (mm/mmap_lock.c)
#    read-locks each VMA with vma_start_read() and re-checks it (rule
#    vma/rcu-unlocked-use).

mm m
mmap(m, 0x100000, pages=1, prot=rw)
mmap(m, 0x200000, pages=1, prot=r)

thread maps {
  rcu_read_lock()
  for vma in vmas(m) {
    flags = vma.vm_flags  # show_map_vma()
  }
  rcu_read_unlock()
}

thread unmapper {
  munmap(m, 0x100000, pages=1)
}

expect violation "vma/rcu-unlocked-use" at 16
# when munmap ran between the lookup and the read, the read is of a VMA
# already freed
expect violation "vma/use-after-unmap" at 16 sometimes
