# handle_mm_fault() and mremap() take the kernel's flag names, as the
# kernel's callers pass them: handle_mm_fault(vma, address, flags |
# FAULT_FLAG_VMA_LOCK, regs) with flags built in a variable
# (FAULT_FLAG_DEFAULT, |= FAULT_FLAG_WRITE), and mremap(addr, old_len,
# new_len, MREMAP_MAYMOVE | MREMAP_FIXED, new_addr).

mm m
file f
bool wrote = false
ops drv {
  fault(vmf) {
    wrote = vmf.write
    page p = alloc_page()
    return vmf_insert_page(vmf.vma, vmf.address, p)
  }
}
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=f, vm=mixedmap, ops=drv)
mmap_read_lock(m)
flags = FAULT_FLAG_DEFAULT | FAULT_FLAG_USER
flags |= FAULT_FLAG_WRITE
r = handle_mm_fault(v, 0x100000, flags)
mmap_read_unlock(m)
assert wrote, "a write fault"
wrote = true
vma w = lock_vma_under_rcu(m, 0x101000)
r = handle_mm_fault(w, 0x101000, FAULT_FLAG_USER | FAULT_FLAG_VMA_LOCK)
assert r & VM_FAULT_RETRY, "vmf_can_call_fault() dropped the VMA lock"
r = mremap(m, 0x100000, 0x2000, 0x2000, MREMAP_MAYMOVE | MREMAP_FIXED, 0x400000)
assert r == 0x400000
fl = MREMAP_MAYMOVE | MREMAP_FIXED
assert mremap(m, 0x400000, 0x2000, 0x2000, fl, 0x600000) == 0x600000
expect ok
