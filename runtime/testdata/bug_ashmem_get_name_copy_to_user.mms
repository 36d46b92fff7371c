# ashmem's ASHMEM_GET_NAME copied the name to user space holding
# ashmem_mutex, which ashmem_mmap() takes under the mmap lock (fix
# "ashmem: avoid deadlock between read and mmap calls", Todd Poynor, June
# 2013, Android bug 9261835; in staging from 3.10: get_name() copies into a
# local buffer under the mutex and calls copy_to_user() after unlocking).
#
# mmap(2) holds the mmap lock for write and calls f_op->mmap, ashmem_mmap(),
# which takes ashmem_mutex: mmap_lock -> ashmem_mutex. get_name() held
# ashmem_mutex across copy_to_user(), whose fault takes the mmap lock:
# ashmem_mutex -> mmap_lock. One thread in mmap(), another in the ioctl with
# its buffer not yet faulted in: an ABBA deadlock. Lockdep reports the
# inversion at copy_to_user() even when no fault happens (might_fault()).
#
# Rule: lockdep/circular, at the copy (or at ashmem_mmap()'s mutex_lock
# when the ioctl ran first).

mm m
file ashmem
mutex ashmem_mutex

ops ashmem_fops {
  mmap(file, vma) {  # drivers/staging/android/ashmem.c: ashmem_mmap()
    mutex_lock(ashmem_mutex)
    # asma->size, prot_mask checks; shmem_file_setup(); vma->vm_file = asma->file
    mutex_unlock(ashmem_mutex)
    return 0
  }
}

vma buf = mmap(m, 0x400000, pages=1, prot=rw)  # the ioctl's user buffer

# drivers/staging/android/ashmem.c (3.9): get_name()
func get_name(mm, name) {
  ret = 0
  mutex_lock(ashmem_mutex)
  # if (asma->name[ASHMEM_NAME_PREFIX_LEN] != '\0') len = strlen(...) + 1; ...
  if copy_to_user(mm, name, 256) != 0 {
    ret = -EFAULT
  }
  mutex_unlock(ashmem_mutex)
  return ret
}

thread mapper {
  mmap(m, 0x200000, pages=1, prot=rw, flags=shared, file=ashmem, ops=ashmem_fops)
}

thread getter {  # ioctl(fd, ASHMEM_GET_NAME, buf)
  get_name(m, 0x400000)
}

expect violation "lockdep/circular: possible circular locking dependency: taking m->mmap_lock (&mm->mmap_lock) while holding ashmem_mutex" sometimes
expect violation "lockdep/circular: possible circular locking dependency: taking ashmem_mutex while holding m->mmap_lock" at 23 sometimes
expect deadlock sometimes
