package mmcore

// The steps of mmap(2) one at a time, for a caller that runs the kernel's
// mmap path statement by statement (the kernel library's mmap,
// runtime/kernel/mmap.mms). MmapRegion is their composition; each step
// here is the part of it the kernel function of the same name does
// (mm/mmap.c: do_mmap(); mm/vma.c: __mmap_region() and its helpers).

// MmapState is a struct mmap_state (mm/vma.c) with the do_mmap()
// arguments that lead to it: an mmap between its steps.
type MmapState struct {
	a mmapArgs
	// Prev and Next are the VMAs around the range once __mmap_setup has
	// run; VMS the munmap of what a MAP_FIXED mapping replaces (nil when
	// nothing overlapped).
	Prev, Next *VMA
	VMS        *VMAMunmap
	// Charged is what accountable_mapping() charged: the pages less those
	// the replaced VMAs had charged already.
	Charged uint64
}

// Addr is the mapping's address (map->addr), End its end, Len its length.
func (s *MmapState) Addr() Addr         { return s.a.addr }
func (s *MmapState) End() Addr          { return s.a.addr + Addr(s.a.len) }
func (s *MmapState) Len() uint64        { return s.a.len }
func (s *MmapState) Flags() VMFlags     { return s.a.vmflags }
func (s *MmapState) MapFlags() MapFlags { return s.a.flags }
func (s *MmapState) File() *File        { return s.a.file }
func (s *MmapState) Pgoff() uint64      { return s.a.pgoff }
func (s *MmapState) Populate() bool     { return s.a.populate }

// SetFlags sets map->vm_flags (as f_op->mmap_prepare may through the
// vm_area_desc); SetPgoff map->pgoff.
func (s *MmapState) SetFlags(f VMFlags) { s.a.vmflags = f }
func (s *MmapState) SetPgoff(p uint64)  { s.a.pgoff = p }

// MmapArgs is do_mmap() up to __get_unmapped_area(): the argument checks,
// which read nothing of the address space but map_count. Errors: see
// PrepareMmap.
func (m *MM) MmapArgs(addr Addr, length uint64, prot Prot, flags MapFlags, file *File, pgoff uint64) (*MmapState, error) {
	a, err := m.doMmapArgs(addr, length, prot, flags, file, pgoff)
	if err != nil {
		return nil, err
	}
	return &MmapState{a: a}, nil
}

// MmapGetUnmappedArea is do_mmap()'s __get_unmapped_area(): the MAP_FIXED
// range checks, or the choice of a free range (GetUnmappedArea).
func (m *MM) MmapGetUnmappedArea(s *MmapState) error { return m.getUnmappedArea(&s.a) }

// MmapFlags is do_mmap() after the address: calc_vm_prot_bits(),
// calc_vm_flag_bits(), the map type's checks, pgoff.
func (m *MM) MmapFlags(s *MmapState) error { return m.doMmapFlags(&s.a) }

// MmapSetup is __mmap_setup() after vms_gather_munmap_vmas() (vms is nil
// when nothing overlapped): the neighbours, the gathered VMAs taken out of
// the tree (the kernel overwrites them when it stores the new VMA; taking
// them out now keeps the tree free of overlaps and changes nothing
// observable under the mmap write lock), and accountable_mapping()'s
// VM_ACCOUNT.
func (m *MM) MmapSetup(s *MmapState, vms *VMAMunmap) {
	start := s.a.addr
	if vms != nil && len(vms.Detached) > 0 {
		s.VMS = vms
		s.Prev, s.Next = vms.Prev, vms.Next
		m.VMAIterClear(vms)
	} else {
		s.Next, s.Prev = m.FindVMAPrev(start) // vma_iter_next_rewind(vmi, &map->prev)
	}
	if accountableMapping(s.a.vmflags) {
		s.Charged = s.a.len >> PageShift
		if s.VMS != nil {
			s.Charged -= min(s.Charged, s.VMS.NrAccounted)
			s.VMS.NrAccounted = 0
		}
		s.a.vmflags |= VM_ACCOUNT
	}
}

// MmapMergeCandidates returns the neighbours vma_merge_new_range() would
// expand or remove for s (the VMAs it write-locks), leaving out a
// neighbour for which same(neighbour) is false.
func (m *MM) MmapMergeCandidates(s *MmapState, same func(*VMA) bool) []*VMA {
	g := m.mmapVMG(s, same)
	if g.Flags&VM_SPECIAL != 0 {
		return nil
	}
	left := g.canVMAMergeLeft()
	right := g.canVMAMergeRight(left)
	var out []*VMA
	if left {
		out = append(out, g.Prev)
	}
	if right {
		out = append(out, g.Next)
	}
	return out
}

func (m *MM) mmapVMG(s *MmapState, same func(*VMA) bool) *VMAMerge {
	g := &VMAMerge{Prev: s.Prev, Next: s.Next, Start: s.a.addr, End: s.End(), Flags: s.a.vmflags,
		File: s.a.file, Pgoff: s.a.pgoff}
	if g.Prev != nil && same != nil && !same(g.Prev) {
		g.Prev = nil
	}
	if g.Next != nil && same != nil && !same(g.Next) {
		g.Next = nil
	}
	return g
}

// MmapMergeNewRange is __mmap_region()'s vma_merge_new_range(): the
// mapping joins a neighbour (same as for MmapMergeCandidates) and the VMA
// that covers it is returned, or nil when it cannot merge.
func (m *MM) MmapMergeNewRange(s *MmapState, same func(*VMA) bool) *VMA {
	g := m.mmapVMG(s, same)
	if g.Prev == nil && g.Next == nil {
		return nil
	}
	return m.VMAMergeNewRange(g)
}

// MmapNewVMA is __mmap_new_vma()'s vm_area_alloc(), vma_set_range() and
// vm_flags_init(): a new VMA for the range, detached, not in the tree.
func (m *MM) MmapNewVMA(s *MmapState) *VMA {
	return m.vmAreaAlloc(s.a.addr, s.End(), s.a.vmflags, s.a.file, s.a.pgoff)
}

// ShmemZeroSetup gives a shared anonymous VMA its own shmem file
// (shmem_zero_setup()).
func (m *MM) ShmemZeroSetup(v *VMA) { m.shmemZeroSetup(v) }

// MmapLinkVMA is __mmap_new_vma()'s vma_iter_store_new(), map_count++ and
// vma_link_file(): v becomes visible to lookups and to the rmap. It fails
// when the range is no longer free.
func (m *MM) MmapLinkVMA(v *VMA) error {
	const op = "vma_iter_store_new"
	switch {
	case v == nil || v.mm != m:
		return errf(op, EINVAL, "VMA of another mm")
	case v.attached || v.linked:
		return errf(op, EINVAL, "VMA already attached")
	}
	if m.FindVMAIntersection(v.start, v.end) != nil {
		return errf(op, EEXIST, "range "+v.start.String()+"-"+v.end.String()+" overlaps a VMA")
	}
	m.link(v)
	return nil
}

// MmapComplete is __mmap_complete() after vms_complete_munmap_vmas():
// vm_stat_account() and VM_LOCKED's locked_vm (a VM_SPECIAL VMA loses
// VM_LOCKED).
func (m *MM) MmapComplete(s *MmapState, v *VMA) {
	pages := s.a.len >> PageShift
	m.vmStatAccount(v.Flags, int64(pages))
	if v.Flags&VM_LOCKED != 0 {
		if v.Flags&VM_SPECIAL != 0 {
			v.Flags &^= VM_LOCKED_MASK
		} else {
			m.lockedVM += pages
		}
	}
}
