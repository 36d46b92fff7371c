package mmcore

// brk(2) as mm/mmap.c has it: the heap is the anonymous VMA that ends at
// the break; growing expands it in place (do_brk_flags in expand-only
// mode, never merging with the VMA above) or creates a new VMA; shrinking
// unmaps the tail.

// StartBrk is mm->start_brk.
func (m *MM) StartBrk() Addr { return m.startBrk }

// Brk is the current break, mm->brk.
func (m *MM) Brk() Addr { return m.brk }

// SysBrk is brk(2): it moves the break to addr and returns the new break,
// or the old one when it cannot (the syscall reports no errno). brk(0)
// and anything below start_brk return the current break. Growth fails when
// the new range (plus one page and the stack guard gap) would reach a VMA
// above; shrinking always works unless a non-brk VMA lies in the way.
func (m *MM) SysBrk(addr Addr) Addr {
	orig := m.brk
	if addr < m.startBrk || addr > m.taskSize {
		return orig
	}
	newbrk := (addr + PageSize - 1) & PageMask
	oldbrk := (m.brk + PageSize - 1) & PageMask
	if oldbrk == newbrk {
		m.brk = addr
		return addr
	}
	if addr <= m.brk {
		// always allow shrinking brk: unmap [newbrk, oldbrk)
		if m.FindVMAIntersection(newbrk, oldbrk) == nil {
			return orig // no brk VMA there: the kernel refuses
		}
		m.brk = addr
		if _, err := m.Munmap(newbrk, uint64(oldbrk-newbrk)); err != nil {
			m.brk = orig
			return orig
		}
		return addr
	}
	// check against existing mappings above, guard gap included
	if next := m.FindVMA(oldbrk); next != nil && newbrk+PageSize > vmStartGap(next) {
		return orig
	}
	// the VMA just below the old break, if it lies at or above start_brk
	var brkvma *VMA
	if _, prev := m.FindVMAPrev(oldbrk); prev != nil && prev.end > m.startBrk {
		brkvma = prev
	}
	if err := m.DoBrkFlags(brkvma, oldbrk, uint64(newbrk-oldbrk), 0); err != nil {
		return orig
	}
	m.brk = addr
	return addr
}

// DoBrkFlags maps [addr, addr+length) as heap (do_brk_flags): rw private
// anonymous memory with VM_ACCOUNT and pgoff addr>>PAGE_SHIFT. If v (the
// VMA below) ends at addr, it is expanded in place when the flags allow
// (vma_merge_new_range in just_expand mode, so never into the VMA above);
// otherwise a new VMA is linked. ENOMEM beyond max_map_count.
func (m *MM) DoBrkFlags(v *VMA, addr Addr, length uint64, flags VMFlags) error {
	const op = "do_brk_flags"
	flags |= VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT
	if m.vmas.n > m.maxMapCount {
		return errf(op, ENOMEM, "max_map_count exceeded")
	}
	end := addr + Addr(length)
	if v != nil && v.end == addr {
		g := &VMAMerge{Prev: v, Start: addr, End: end, Flags: flags, Pgoff: uint64(addr) >> PageShift,
			JustExpand: true}
		if m.VMAMergeNewRange(g) != nil {
			m.accountBrk(g.Target, flags, length)
			return nil
		}
	}
	nv := m.vmAreaAlloc(addr, end, flags, nil, uint64(addr)>>PageShift)
	m.link(nv)
	m.accountBrk(nv, flags, length)
	return nil
}

func (m *MM) accountBrk(v *VMA, flags VMFlags, length uint64) {
	pages := length >> PageShift
	m.totalVM += pages
	m.dataVM += pages
	if flags&VM_LOCKED != 0 {
		m.lockedVM += pages
	}
	if m.softDirty {
		v.Flags |= VM_SOFTDIRTY
	}
}
