package mmcore

// Stack VMAs: a VM_GROWSDOWN VMA grows down to a faulting address below it
// (expand_stack / expand_downwards in mm/mmap.c), keeping the stack guard
// gap to an accessible VMA below it.

// FindVMAForFault is the VMA lookup of a user fault on x86
// (lock_mm_and_find_vma): the VMA containing addr or, if addr lies below a
// VM_GROWSDOWN VMA, that VMA after growing it down to addr
// (expand_stack). It fails with SIGSEGV when addr is in no VMA and no
// stack can grow to it.
func (m *MM) FindVMAForFault(addr Addr) (*VMA, error) {
	const op = "lock_mm_and_find_vma"
	v := m.FindVMA(addr)
	switch {
	case v == nil:
		return nil, errf(op, SIGSEGV, "no VMA at or above "+addr.String())
	case v.start <= addr:
		return v, nil
	case v.Flags&VM_GROWSDOWN == 0:
		return nil, errf(op, SIGSEGV, "address "+addr.String()+" in a hole")
	}
	if err := m.ExpandStack(v, addr); err != nil {
		return nil, errf(op, SIGSEGV, "stack cannot grow: "+err.Error())
	}
	return v, nil
}

// ExpandStack grows the VM_GROWSDOWN VMA v down to addr's page
// (expand_downwards): v's start and pgoff move down, and v gets an
// anon_vma first (anon_vma_prepare). Errors: EFAULT if v does not grow
// down, EPERM below mmap_min_addr, ENOMEM when an accessible VMA that is
// not itself a stack lies within the stack guard gap below addr, when the
// pgoff would underflow, or when the stack would exceed RLIMIT_STACK.
func (m *MM) ExpandStack(v *VMA, addr Addr) error {
	const op = "expand_downwards"
	if v == nil || v.mm != m || !v.linked || v.Flags&VM_GROWSDOWN == 0 {
		return errf(op, EFAULT, "not a VM_GROWSDOWN VMA of this mm")
	}
	addr &= PageMask
	if addr < MmapMinAddr {
		return errf(op, EPERM, "below mmap_min_addr")
	}
	if addr >= v.start {
		return nil
	}
	// enforce stack_guard_gap against an accessible VMA below
	if prev := m.PrevVMA(v); prev != nil {
		if prev.end > addr {
			return errf(op, ENOMEM, "the VMA below overlaps the growth")
		}
		if prev.Flags&VM_GROWSDOWN == 0 && prev.Flags&VM_ACCESS_FLAGS != 0 && addr-prev.end < StackGuardGap {
			return errf(op, ENOMEM, "an accessible VMA lies within the stack guard gap")
		}
	}
	m.PrepareAnonVMA(v)
	grow := uint64(v.start-addr) >> PageShift
	if grow > v.pgoff {
		return errf(op, ENOMEM, "pgoff would underflow")
	}
	// acct_stack_growth
	if v.end-addr > StackRlimit {
		return errf(op, ENOMEM, "stack would exceed RLIMIT_STACK")
	}
	if v.Flags&VM_LOCKED != 0 {
		m.lockedVM += grow
	}
	m.vmStatAccount(v.Flags, int64(grow))
	m.setRange(v, addr, v.end, v.pgoff-grow)
	return nil
}

// UserFault is a user-mode access to addr as do_user_addr_fault handles
// it: FindVMAForFault (growing a stack if needed), then HandleFault. A
// driver VMA's fault returns ErrNeedsOps for the caller to finish.
func (m *MM) UserFault(addr Addr, write bool) error {
	v, err := m.FindVMAForFault(addr)
	if err != nil {
		return err
	}
	_, err = m.HandleFault(v, addr, write)
	return err
}
