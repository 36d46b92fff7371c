# mlock(2), munlock(2), mlock2(2), msync(2) and mincore(2): their results
# (mm/mlock.c, mm/msync.c, mm/mincore.c): the VMA split by mlock and merged
# back by munlock, populated, MLOCK_ONFAULT, -EINVAL, holes as -ENOMEM, an
# msync of a range past the VMA, mincore into a user buffer.

mm m
file f
vma v = mmap(m, 0x100000, pages=4, prot=rw)
vma s = mmap(m, 0x400000, pages=2, prot=rw, flags=shared, file=f)
vma buf = mmap(m, 0x600000, pages=1, prot=rw)
thread t {
  assert mlock(m, 0x101000, 0x2000) == 0
  mmap_read_lock(m)
  vma x = find_vma(m, 0x101000)
  assert x.vm_start == 0x101000 && x.vm_end == 0x103000
  assert x.vm_flags & VM_LOCKED != 0
  pte p = pte_offset_map_lock(m, 0x101000)
  assert p.present
  pte_unmap_unlock(p)
  mmap_read_unlock(m)
  assert munlock(m, 0x100000, 0x4000) == 0
  mmap_read_lock(m)
  vma y = find_vma(m, 0x101000)
  assert y.vm_start == 0x100000 && y.vm_end == 0x104000
  mmap_read_unlock(m)
  assert mlock2(m, 0x100000, 0x1000, MLOCK_ONFAULT) == 0
  assert mlock2(m, 0x100000, 0x1000, 2) == -EINVAL
  assert msync(m, 0x400000, 0x2000, MS_SYNC) == 0
  assert msync(m, 0x400000, 0x3000, MS_SYNC) == -ENOMEM
  assert mincore(m, 0x100000, 0x4000, 0x600000) == 0
  assert mincore(m, 0x200000, 0x1000, 0x600000) == -ENOMEM
  assert munlock(m, 0x180000, 0x1000) == -ENOMEM
}
expect ok
