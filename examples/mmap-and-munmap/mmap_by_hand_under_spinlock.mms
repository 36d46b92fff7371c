# Q: Under the mmap write lock, may the steps of mmap run with a driver's
#    spinlock held too, say to keep a count in step with the new mapping?
# A: Not the ones that allocate: vm_area_alloc() takes a VMA from the slab
#    with GFP_KERNEL (kernel/fork.c: vm_area_alloc()), shmem_zero_setup()
#    creates the shmem file of a shared anonymous mapping
#    (mm/shmem.c: shmem_kernel_file_setup()), and vma_start_write() may
#    wait for readers. do_mmap()'s checks and flag arithmetic may; they
#    never sleep.

mm m
spinlock stats_lock

thread mapper {
  mmap_write_lock(m)
  spin_lock(stats_lock)
  map = ksys_mmap_pgoff(m, 0x500000, 0x2000, rw, shared, nil, 0, VM_READ, nil)  # VM_READ: no extra flag, prot gives it
  assert do_mmap_checks(map) == 0
  assert __get_unmapped_area(map) == 0
  assert do_mmap_vm_flags(map) == 0
  mmap_setup_vms(map, nil)
  vma = vm_area_alloc(map)
  shmem_zero_setup(vma)
  spin_unlock(stats_lock)
  vma_start_write(vma)
  assert vma_iter_store_new(m, vma) == 0
  vm_stat_account(map, vma)
  mmap_write_unlock(m)
}

expect violation "lock/sleep-in-atomic: vm_area_alloc" at 21
expect violation "lock/sleep-in-atomic: shmem_zero_setup" at 22
