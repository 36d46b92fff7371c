# Q: A driver decides how to treat a user address by whether its mapping
#    is anonymous: what must it hold while it asks vma_is_anonymous()?
# A: Something that keeps the VMA stable for as long as it uses the answer
#    and the VMA: here the mmap read lock, from the lookup (vma_lookup())
#    to the last use. vma_is_anonymous() itself only reads vma->vm_ops
#    (include/linux/mm.h: return !vma->vm_ops), which f_op->mmap writes
#    once at map time (process_addrs.rst, "VMA fields").

mm m
file data
mmap(m, 0x100000, pages=2, prot=rw)
mmap(m, 0x300000, pages=2, prot=r, flags=shared, file=data)

thread driver {
  mmap_read_lock(m)
  vma a = vma_lookup(m, 0x100000)
  if a {  # nil once the unmapper ran
    assert vma_is_anonymous(a)
  }
  vma f = vma_lookup(m, 0x300000)
  assert !vma_is_anonymous(f)
  mmap_read_unlock(m)
}

thread unmapper {
  munmap(m, 0x100000, pages=2)
}

expect ok
