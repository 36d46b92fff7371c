package mmcore

// mprotect(2) as mm/mprotect.c has it: do_mprotect_pkey walks the VMAs of
// the range and calls mprotect_fixup on each, which modifies the VMA's
// flags through vma_modify_flags (merge or split) and then changes the
// PTEs (change_protection).

// Mprotect is mprotect(2) (do_mprotect_pkey with pkey -1). It fails with
// EINVAL for an unaligned start or unknown prot bits, ENOMEM when
// start+len wraps, when no VMA starts at or before start, or at the first
// hole (the VMAs before it keep their new protection, as in the kernel),
// EACCES when the new protection exceeds what a VMA may have
// (VM_MAY*), and with VMAModify's errors. A zero length succeeds at once.
// PROT_GROWSDOWN extends the change down to the start of a VM_GROWSDOWN
// VMA (EINVAL otherwise).
func (m *MM) Mprotect(start Addr, length uint64, prot Prot) error {
	const op = "do_mprotect_pkey"
	grows := prot & (PROT_GROWSDOWN | PROT_GROWSUP)
	prot &^= PROT_GROWSDOWN | PROT_GROWSUP
	switch {
	case grows == PROT_GROWSDOWN|PROT_GROWSUP:
		return errf(op, EINVAL, "PROT_GROWSDOWN and PROT_GROWSUP together")
	case !start.PageAligned():
		return errf(op, EINVAL, "start not page aligned")
	case length == 0:
		return nil
	}
	l, ok := pageAlignLen(length)
	end := start + Addr(l)
	if !ok || end <= start {
		return errf(op, ENOMEM, "start+len wraps")
	}
	if prot&^(PROT_READ|PROT_WRITE|PROT_EXEC|PROT_SEM) != 0 {
		return errf(op, EINVAL, "unknown prot bits (arch_validate_prot)")
	}
	vma := m.FindVMAIntersection(start, end)
	if vma == nil {
		return errf(op, ENOMEM, "no VMA in the range")
	}
	if grows&PROT_GROWSDOWN != 0 {
		start = vma.start
		if vma.Flags&VM_GROWSDOWN == 0 {
			return errf(op, EINVAL, "PROT_GROWSDOWN on a VMA without VM_GROWSDOWN")
		}
	} else {
		if vma.start > start {
			return errf(op, ENOMEM, "range starts in a hole")
		}
		if grows&PROT_GROWSUP != 0 {
			return errf(op, EINVAL, "PROT_GROWSUP on a VMA without VM_GROWSUP")
		}
	}
	prev := m.PrevVMA(vma)
	if start > vma.start {
		prev = vma
	}
	nstart, tmp := start, vma.start
	for vma != nil && vma.start < end {
		if vma.start != tmp {
			return errf(op, ENOMEM, "hole at "+tmp.String())
		}
		newflags := m.mprotectFlags(vma, prot)
		// newflags >> 4 shifts VM_MAY* in place of VM_*
		if newflags&^(newflags>>4)&VM_ACCESS_FLAGS != 0 {
			return errf(op, EACCES, "protection exceeds VM_MAY* of "+vma.String())
		}
		tmp = min(vma.end, end)
		nv, err := m.MprotectFixup(vma, prev, nstart, tmp, newflags)
		if err != nil {
			return err
		}
		prev = nv
		tmp = nv.end
		nstart = tmp
		vma = m.NextVMA(nv)
	}
	if tmp < end {
		return errf(op, ENOMEM, "range ends in a hole")
	}
	return nil
}

// mprotectFlags computes a VMA's new flags for prot: the access bits and
// the protection key (arch_override_mprotect_pkey: PROT_EXEC alone takes
// the execute-only key, leaving execute-only drops it) replace the old
// ones, everything else is kept.
func (m *MM) mprotectFlags(v *VMA, prot Prot) VMFlags {
	keep := v.Flags &^ VM_ACCESS_FLAGS
	pkey := v.Flags & VM_PKEY_MASK
	if !m.noPkeys {
		switch {
		case prot == PROT_EXEC:
			pkey = execOnlyPkey
		case pkey == execOnlyPkey:
			pkey = 0
		}
	}
	return keep&^VM_PKEY_MASK | pkey | VMFlags(prot)&VM_ACCESS_FLAGS
}

// MprotectFixup changes [start, end) of v to newflags (mprotect_fixup):
// nothing happens when the flags are unchanged; making a private mapping
// writable adds VM_ACCOUNT (unless it had it, was writable, shared,
// hugetlb or MAP_NORESERVE); making it read-only drops VM_ACCOUNT only
// from private anonymous memory that has no anon_vma yet. Then the VMA is
// merged or split (VMAModifyFlags) and its PTEs changed
// (ChangeProtection). prev is the VMA before v, or v when start lies inside
// it. It returns the VMA now covering the range.
func (m *MM) MprotectFixup(v, prev *VMA, start, end Addr, newflags VMFlags) (*VMA, error) {
	old := v.Flags
	if newflags == old {
		return v, nil
	}
	if newflags&VM_WRITE != 0 {
		if old&(VM_ACCOUNT|VM_WRITE|VM_HUGETLB|VM_SHARED|VM_NORESERVE) == 0 {
			newflags |= VM_ACCOUNT
		}
	} else if old&VM_ACCOUNT != 0 && v.Anonymous() && v.anonVMA == nil {
		newflags &^= VM_ACCOUNT
	}
	nv, err := m.VMAModifyFlags(prev, v, start, end, newflags)
	if err != nil {
		return nil, err
	}
	if m.ChangeProtection(nv, start, end) > 0 {
		m.TLB.FlushRange(start, end) // do_mprotect_pkey()'s tlb_finish_mmu()
	}
	// a private VM_LOCKED VMA becoming writable is populated to break COW
	if old&(VM_WRITE|VM_SHARED|VM_LOCKED) == VM_LOCKED && newflags&VM_WRITE != 0 {
		_ = m.Populate(nv, start, end)
	}
	return nv, nil
}

// vmaWantsWritenotify: shared writable mappings whose pages the kernel
// wants to see written (a driver with ->page_mkwrite/->pfn_mkwrite) map
// read-only first. mmcore's file pages need no writeback tracking, as on
// tmpfs.
func vmaWantsWritenotify(v *VMA) bool {
	return v.Flags&(VM_WRITE|VM_SHARED) == VM_WRITE|VM_SHARED && v.Ops != nil
}

// ChangeProtection brings the PTEs of [start, end) ∩ v in line with v's
// flags (change_protection): without VM_WRITE every PTE is
// write-protected; with it, PTEs that may be writable without a fault are
// made so (MM_CP_TRY_CHANGE_WRITABLE: shared writable mappings without
// write-notify, and anonymous pages mapped once in a private mapping).
// A PROT_NONE mapping's PTEs stay present but become pte_protnone, which
// the CPU faults on. Like the kernel's change_protection() it does not
// flush the TLB: the caller's mmu_gather does, after the page-table locks
// are dropped (mm/mprotect.c: change_pte_range() only records the range,
// tlb_flush_pte_range(); tlb_finish_mmu() flushes), so CPUs keep the old
// translations until then. It returns the number of PTEs changed.
func (m *MM) ChangeProtection(v *VMA, start, end Addr) int {
	start = max(start&PageMask, v.start)
	end = min(end, v.end)
	writable := v.Flags&VM_WRITE != 0
	sharedOK := v.Flags&VM_SHARED != 0 && !vmaWantsWritenotify(v)
	n := m.changeProtHugePMDs(v, start, end) // change_pmd_range's huge case
	m.forEachPTE(start, end, func(t *PageTable, i int, e PTE) {
		if !e.Present() {
			return
		}
		ne := e
		switch {
		case !writable:
			ne = e.Without(PTEWrite)
		case e.Writable():
		case sharedOK && !e.Special():
			ne = e.With(PTEWrite)
		case v.Flags&VM_SHARED == 0:
			if p := m.accountedPage(e); anonExclusive(p) && e.Dirty() {
				ne = e.With(PTEWrite)
			}
		}
		if v.Flags&VM_ACCESS_FLAGS == 0 {
			ne = ne.With(PTEProtNone) // pte_modify to PAGE_NONE
		} else {
			ne = ne.Without(PTEProtNone)
		}
		if ne != e {
			m.ptChanged()
			t.ptes[i] = ne
			n++
		}
	})
	return n
}
