# Q: I call fixup_user_fault() to resolve a fault on a user address my
#    code got from userspace. Do I need to take a lock first?
# A: Yes: the caller must hold the mm's mmap read lock. fixup_user_fault()
#    (mm/gup.c) looks the VMA up with gup_vma_lookup() and calls
#    handle_mm_fault() on it, both of which need the lock to keep the VMA
#    from being unmapped and freed under them; it asserts it on entry
#    (untagged_addr_remote() -> mmap_assert_locked(): lockdep, and
#    VM_BUG_ON_MM with CONFIG_DEBUG_VM when nobody holds it). Take it as
#    fault_in_user_writeable() does (fixup_user_fault_futex.mms).

mm m
mmap(m, 0x200000, pages=1, prot=rw)

thread waker {
  ret = fixup_user_fault(m, 0x200000, FAULT_FLAG_WRITE, nil)
}

expect violation "mmap_assert_locked/not-held" at 15
# and what the kernel checks nowhere: the lookup and the fault unlocked
expect violation "vma_lookup/unstable-result" at 15
expect violation "handle_mm_fault/needs-fault-lock" at 15
