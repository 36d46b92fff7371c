# Q: How does a driver copy to and from user memory without ordering its
#    own locks before the mmap lock?
# A: It copies with no lock held that a fault path might take: copy in
#    before taking the mutex, copy out after dropping it. might_fault()
#    (called by copy_to_user, copy_from_user, get_user and put_user) then
#    records no dependency, and a fault on the driver's own mapping can take
#    the mutex in ->fault (mm/memory.c: __might_fault()).

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
mmap(m, 0x200000, pages=2, prot=rw)

thread ioctl {
  assert copy_from_user(m, 0x200000, 64) == 0  # faults the buffer in
  assert get_user(m, 0x200040) == 0
  mutex_lock(drv_lock)
  mutex_unlock(drv_lock)
  might_fault(m)  # a path that may copy: annotated like one
  assert copy_to_user(m, 0x201000, 16) == 0
  assert put_user(m, 0x201010) == 0
}

thread user {
  assert touch(m, 0x100000, read)
}

expect ok
