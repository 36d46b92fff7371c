# mmap's steps (runtime/kernel/mmap.mms) called by hand before
# do_mmap_checks: a script error naming the step, not a nil dereference.

mm m
mmap_write_lock(m)
s = ksys_mmap_pgoff(m, 0x100000, 0x1000, rw, private, nil, 0, mixedmap, nil)
mmap_setup_vms(s, nil)
mmap_write_unlock(m)

expect error "mmap_setup_vms: do_mmap_checks has not passed" at 7
