# munmap/zap-live-vma, in one thread: munmap's steps (do_vmi_align_munmap())
# with the stack above the hole grown into it between the detach and the
# zap, as v4.20-v5.8's expand_downwards() did under the mmap read lock
# after munmap's mmap_write_downgrade() (CVE-2021-20200). The growth here
# runs under the write lock, so that only the zap is wrong.

mm m
mmap(m, 0x7f0000, pages=4, prot=rw, flags=growsdown)  # the stack
touch(m, 0x7f1000, write)
mmap(m, 0x7ee000, pages=2, prot=rw, flags=private | anonymous)  # the hole to be
touch(m, 0x7ee000, write)

mmap_write_lock(m)
vms = vms_gather_munmap_vmas(m, 0x7ee000, 0x7f0000, unlock=false)
vma_iter_clear_gfp(vms)
vma s = vma_lookup(m, 0x7f0000)
vma_start_write(s)
vma_iter_store_overwrite(s, 0x7ef000)  # vma->vm_start = address
handle_mm_fault(s, 0x7ef000, FAULT_FLAG_WRITE, NULL)
vms_complete_munmap_vmas(m, vms)
mmap_write_unlock(m)

expect violation "munmap/zap-live-vma" at 20
