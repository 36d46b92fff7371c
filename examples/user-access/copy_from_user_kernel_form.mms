# Q: Where does the copy of copy_from_user_kernel_form_under_mutex.mms
#    belong?
# A: Before the mutex: copy_from_user(&karg, ubuf, sizeof(karg)) with no
#    lock held that a fault path takes, then the mutex for the driver's
#    state. The kernel's signature on current->mm, as the kernel writes it
#    (include/linux/uaccess.h: copy_from_user(); mm/memory.c:
#    __might_fault()); copy_to_user(ubuf, &karg, sizeof(karg)) likewise
#    after the unlock.

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
touch(m, 0x100000, read)

func drv_ioctl(ubuf) {
  karg = 0
  if copy_from_user(&karg, ubuf, 8) != 0 {  # faults the buffer in
    return -EFAULT
  }
  mutex_lock(drv_lock)
  karg += 1  # the driver's state, under its mutex
  mutex_unlock(drv_lock)
  if copy_to_user(ubuf, &karg, 8) != 0 {
    return -EFAULT
  }
  return 0
}

thread ioctl {
  assert drv_ioctl(0x200000) == 0
  assert drv_ioctl(0x900000) == -EFAULT  # nothing mapped there
}

expect ok
