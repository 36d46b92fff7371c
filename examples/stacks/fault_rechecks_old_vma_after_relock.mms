# Q: When lock_mm_and_find_vma() drops the read lock to take the write lock,
#    may it keep using the VMA it found before?
# A: No. mmap_upgrade_trylock() does not exist yet, so the lock is really
#    dropped: another thread can take the write lock and unmap the stack
#    (free the VMA), replace it or change it before this one gets the lock. The kernel says so and looks the VMA
#    up again ("we'll have to drop the mmap lock and re-take it, and also look
#    up the vma again, re-checking it"). This copy re-checks the flags of the
#    old pointer instead of looking it up again; mmscript reports the stale
#    pointer at its use (mm/mmap_lock.c: lock_mm_and_find_vma()).

mm m
mmap(m, 0x7f0000, pages=4, prot=rw, flags=growsdown)

func lock_mm_and_find_vma(mm, addr) {
  mmap_read_lock(mm)
  vma = find_vma(mm, addr)
  if vma && vma.vm_start <= addr {
    return vma
  }
  if !vma || vma.vm_flags & VM_GROWSDOWN == 0 {
    mmap_read_unlock(mm)
    return nil
  }
  mmap_read_unlock(mm)
  mmap_write_lock(mm)
  if vma.vm_flags & VM_GROWSDOWN == 0 {  # the old pointer, not a new lookup
    mmap_write_unlock(mm)
    return nil
  }
  if expand_stack_locked(vma, addr) != 0 {
    mmap_write_unlock(mm)
    return nil
  }
  mmap_write_downgrade(mm)
  return vma
}

thread fault {
  vma v = lock_mm_and_find_vma(m, 0x7ef000)
  if v {
    mmap_read_unlock(m)
  }
}

thread mapper {
  mmap(m, 0x100000, pages=1, prot=rw)  # any writer in the window
}

expect violation "vma/stale-after-relock" at 26
