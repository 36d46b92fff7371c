# Q: My ioctl is written as the kernel writes it: copy_from_user(&karg,
#    ubuf, sizeof(karg)) under the driver's mutex, whose ->fault takes the
#    same mutex. Does mmscript take the kernel's signature?
# A: Yes: copy_from_user(to, from, n) and copy_to_user(to, from, n) take
#    the kernel's argument order on current->mm (the script's mm), the
#    kernel buffer any value (&karg, a page, NULL). The copy starts with
#    might_fault(), which records drv_lock -> mmap_lock whether or not it
#    faults, against ->fault's mmap_lock -> drv_lock: lockdep's circular
#    dependency (include/linux/uaccess.h: copy_from_user() ->
#    _inline_copy_from_user(); mm/memory.c: __might_fault()).

mm m
file dev
mutex drv_lock

ops drv {
  fault(vmf) {
    mutex_lock(drv_lock)
    page p = alloc_page()
    mutex_unlock(drv_lock)
    return p
  }
}

mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, ops=drv)
mmap(m, 0x200000, pages=1, prot=rw)
touch(m, 0x100000, read)  # a fault on the driver's mapping: mmap_lock -> drv_lock

func drv_ioctl(ubuf) {
  karg = 0
  mutex_lock(drv_lock)
  if copy_from_user(&karg, ubuf, 8) != 0 {  # sizeof(karg)
    mutex_unlock(drv_lock)
    return -EFAULT
  }
  mutex_unlock(drv_lock)
  return 0
}

thread ioctl {
  drv_ioctl(0x200000)
}

expect violation "lockdep/circular" at 32
