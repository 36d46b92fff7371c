# Q: How does a walker go over the VMAs under RCU, without the mmap lock,
#    as /proc/pid/maps does since 2025?
# A: With lock_next_vma() (mm/mmap_lock.c), called in the RCU read-side
#    section: it finds the next VMA, read-locks it with vma_start_read(),
#    re-checks that it is not behind the search position and that no gap
#    opened before it, and falls back to the mmap read lock when any of
#    that fails. The walker uses the VMA under its read lock and releases
#    it with vma_end_read() (fs/proc/task_mmu.c: get_next_vma(),
#    unlock_vma()).

mm m
mmap(m, 0x100000, pages=1, prot=rw)
mmap(m, 0x200000, pages=1, prot=r)

thread maps {
  rcu_read_lock()
  addr = 0
  while true {
    vma = lock_next_vma(m, addr)
    if !vma {
      break
    }
    flags = vma.vm_flags  # show_map_vma()
    addr = vma.vm_end
    vma_end_read(vma)
  }
  rcu_read_unlock()
}

thread unmapper {
  munmap(m, 0x100000, pages=1)
}

expect ok
