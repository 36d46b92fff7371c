# Core dump against mmget_not_zero() fixed: CVE-2019-11599, 04f5866e41fb
# (v5.1): a path that changes another mm's VMAs checks mmget_still_valid()
# after taking the mmap write lock. core_state is set under that lock, so
# the check is exact: either the dump has not begun and waits for the lock,
# or it has and the VMAs are left alone. (v5.10 made the dump snapshot the
# VMAs under the mmap lock and removed the check, 4d45e75a9955.)
# Rule: coredump/vma-changed-during-dump.

mm m
file f
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=f)

thread crash {
  do_coredump(m)
}

thread uffd_release {
  # fs/userfaultfd.c (v5.1): userfaultfd_release()
  if mmget_not_zero(m) {
    mmap_write_lock(m)
    if mmget_still_valid(m) {
      vm_flags_clear(v, VM_DONTDUMP)
    }
    mmap_write_unlock(m)
    mmput(m)
  }
}

expect ok
