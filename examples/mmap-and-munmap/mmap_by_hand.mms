# Q: Which lock does mmap hold at each step, written out as do_mmap() and
#    __mmap_region() run them, for a shared file mapping, a shared
#    anonymous one and a MAP_FIXED one over an old mapping?
# A: The mmap write lock from the address search (__get_unmapped_area())
#    to the accounting (vm_stat_account()). The new VMA is invisible until
#    vma_iter_store_new() puts it in the maple tree, and write-locked
#    (vma_start_write()) before that; f_op->mmap (mmap_file()) runs on it
#    while nobody else can see it. MAP_FIXED gathers the old VMAs first and
#    runs their ->close (vma_close()) before the new one goes in
#    (mm/mmap.c: do_mmap(); mm/vma.c: __mmap_region()).

mm m
file f

thread mapper {
  mmap_write_lock(m)
  map = ksys_mmap_pgoff(m, 0x300000, 0x2000, rw, shared, f, 0, VM_READ, nil)  # VM_READ: no extra flag, prot gives it
  assert do_mmap_checks(map) == 0
  assert __get_unmapped_area(map) == 0
  assert do_mmap_vm_flags(map) == 0
  mmap_setup_vms(map, nil)
  vma = vm_area_alloc(map)
  assert mmap_file(map, vma) == 0
  vma_start_write(vma)
  assert vma_iter_store_new(m, vma) == 0
  vm_stat_account(map, vma)
  map2 = ksys_mmap_pgoff(m, 0x500000, 0x2000, rw, shared, nil, 0, VM_READ, nil)  # VM_READ: no extra flag, prot gives it
  assert do_mmap_checks(map2) == 0
  assert __get_unmapped_area(map2) == 0
  assert do_mmap_vm_flags(map2) == 0
  mmap_setup_vms(map2, nil)
  vma2 = vm_area_alloc(map2)
  shmem_zero_setup(vma2)
  vma_start_write(vma2)
  assert vma_iter_store_new(m, vma2) == 0
  vm_stat_account(map2, vma2)
  mmap_write_unlock(m)
  assert touch(m, 0x300000, write)
  assert touch(m, 0x500000, write)
}

expect ok
