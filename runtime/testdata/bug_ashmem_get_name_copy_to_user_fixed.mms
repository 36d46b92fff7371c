# The fixed form of bug_ashmem_get_name_copy_to_user.mms ("ashmem: avoid
# deadlock between read and mmap calls", 2013): get_name() copies the name
# into a local buffer under ashmem_mutex and calls copy_to_user() after
# unlocking, so no path holds ashmem_mutex while it may take the mmap lock.

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

# drivers/staging/android/ashmem.c (3.10+): get_name()
func get_name(mm, name) {
  ret = 0
  mutex_lock(ashmem_mutex)
  # memcpy(local_name, asma->name + ASHMEM_NAME_PREFIX_LEN, len)
  mutex_unlock(ashmem_mutex)
  # Now we are just copying from the stack variable to userland. No lock held
  if copy_to_user(mm, name, 256) != 0 {
    ret = -EFAULT
  }
  return ret
}

thread mapper {
  mmap(m, 0x200000, pages=1, prot=rw, flags=shared, file=ashmem, ops=ashmem_fops)
}

thread getter {  # ioctl(fd, ASHMEM_GET_NAME, buf)
  get_name(m, 0x400000)
}

expect ok
