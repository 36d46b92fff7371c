# CVE-2023-4611, fixed: mbind() write-locks every VMA of the range before
# it replaces their vm_policy (6c21e066f925, "mm/mempolicy: Take VMA lock
# before replacing policy", v6.5-rc4, 6.4.8): the kernel library's
# do_mbind() (kernel/mempolicy.mms) calls vma_start_write() on each VMA,
# so a fault under the VMA read lock either finished before or falls back
# to the mmap lock and waits. Rule: vma-field/vm_policy
# (Documentation/mm/process_addrs.rst, VMA fields).

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw)

thread binder {
  assert mbind(m, 0x100000, 4 * PAGE_SIZE, MPOL_BIND) == 0
}

thread faulter {
  assert touch(m, 0x100000, write)
}

expect ok
