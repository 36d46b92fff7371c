# Q: A registration that stores the context before it write-locks the VMA,
#    as fs/userfaultfd.c did before 60081bf19b0e ("mm: lock vma explicitly
#    before doing vm_flags_reset and vm_flags_reset_once", v6.6): in v6.4
#    vm_flags_reset() took the VMA write lock itself, after the store of
#    vma->vm_userfaultfd_ctx. Is the mmap write lock enough for the store?
# A: No: since faults run under the VMA read lock alone (lock_vma_under_rcu())
#    and handle_userfault() reads the context there ("mm: handle userfaults
#    under VMA lock", v6.6), vm_userfaultfd_ctx (the rule book's
#    vm_uffd_state) needs the mmap write lock and the VMA write lock. The
#    kernel checks nothing at the store: a fault reads the context half
#    set up. The correct path is examples/userfaultfd/register_splits_vma.mms.

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
ctx = userfaultfd(m)

# mm/userfaultfd.c: userfaultfd_set_ctx() as v6.4's userfaultfd_register()
# ordered it: the store first, the VMA write lock (then inside
# vm_flags_reset()) after it
func userfaultfd_set_ctx(vma, ctx, vm_flags) {
  vma.vm_userfaultfd_ctx = ctx
  vma_start_write(vma)
  userfaultfd_set_vm_flags(vma, (vma.vm_flags & ~__VM_UFFD_FLAGS) | vm_flags)
}

thread monitor {
  assert userfaultfd_register(ctx, 0x100000, 0x4000, UFFDIO_REGISTER_MODE_MISSING) == 0
}

expect violation "vma-field/vm_userfaultfd_ctx" at 21
