package mmcore

// vmStartGap is vm_start_gap: a VM_GROWSDOWN VMA keeps the stack guard gap
// below it free.
func vmStartGap(v *VMA) Addr {
	if v.Flags&VM_GROWSDOWN != 0 {
		if v.start < StackGuardGap {
			return 0
		}
		return v.start - StackGuardGap
	}
	return v.start
}

func pageAlignLen(length uint64) (uint64, bool) {
	l := (length + PageSize - 1) &^ (PageSize - 1)
	return l, l >= length && l != 0
}

// GetUnmappedArea picks an address for a new mapping of length bytes, as
// x86's arch_get_unmapped_area_topdown does: the hint if the range there is
// free (guard gaps included), else the highest free range below mmap_base,
// else (bottom-up fallback) the lowest one above TASK_SIZE/3. With 5-level
// paging the search stays below 47 bits unless the hint lies above them.
// It fails with ENOMEM when nothing fits.
func (m *MM) GetUnmappedArea(hint Addr, length uint64) (Addr, error) {
	const op = "get_unmapped_area"
	l, ok := pageAlignLen(length)
	if !ok || l > uint64(m.taskSize-MmapMinAddr) {
		return 0, errf(op, ENOMEM, "length too large")
	}
	n := Addr(l)
	window := min(DefaultMapWindow, m.taskSize)
	if hint != 0 {
		hint &= PageMask
		// mmap_address_hint_valid: in range, and not straddling the
		// 47-bit window
		if hint <= m.taskSize-n && (hint > window) == (hint+n > window) {
			next, prev := m.FindVMAPrev(hint)
			if (next == nil || hint+n <= vmStartGap(next)) && (prev == nil || hint >= prev.end) {
				return hint, nil
			}
		}
	}
	high := m.mmapBase
	if hint > window {
		high += m.taskSize - window
	}
	low := max(Addr(PageSize), MmapMinAddr)
	if a, ok := m.findGap(low, high, n, true); ok {
		return a, nil
	}
	base := (m.taskSize/3 + PageSize - 1) &^ (PageSize - 1) // TASK_UNMAPPED_BASE
	if a, ok := m.findGap(base, m.taskSize, n, false); ok {
		return a, nil
	}
	return 0, errf(op, ENOMEM, "no free range of "+hex(l)+" bytes")
}

// findGap searches [low, high) for a free range of n bytes, from the top
// (returning the highest fit) or from the bottom (the lowest).
func (m *MM) findGap(low, high, n Addr, topDown bool) (Addr, bool) {
	if high <= low || high-low < n {
		return 0, false
	}
	gap := func(k int) (Addr, Addr) { // the gap below vmas[k]
		gs, ge := Addr(0), m.taskSize
		if k > 0 {
			gs = m.vmas[k-1].end
		}
		if k < len(m.vmas) {
			ge = vmStartGap(m.vmas[k])
		}
		return max(gs, low), min(ge, high)
	}
	if topDown {
		for k := len(m.vmas); k >= 0; k-- {
			gs, ge := gap(k)
			if ge > gs && ge-gs >= n {
				return ge - n, true
			}
			if k > 0 && m.vmas[k-1].end <= low {
				break
			}
		}
		return 0, false
	}
	for k := 0; k <= len(m.vmas); k++ {
		gs, ge := gap(k)
		if ge > gs && ge-gs >= n {
			return gs, true
		}
	}
	return 0, false
}

// PrepareMmap does the first half of mmap (do_mmap up to the point where
// f_op->mmap runs): it validates the arguments, computes the flags,
// chooses the address, unmaps what a MAP_FIXED mapping replaces, and
// returns the new VMA detached, with the VMAs it unmapped (for their
// vm_ops->close). The caller may run a driver's mmap hook on the VMA
// (which may set flags or install pages), then attach it with InsertVMA,
// or discard it with UnmapRegion. file is ignored for MAP_ANONYMOUS; a
// shared anonymous mapping gets a fresh shmem file, as shmem_zero_setup
// gives it.
//
// Errors are mmap(2)'s: EINVAL (zero length, unaligned MAP_FIXED address,
// bad map type), EBADF (no file and not anonymous), EACCES/EPERM (file
// mode, see CalcVMFlags), ENOMEM (no room, beyond TASK_SIZE or
// max_map_count), EPERM (MAP_FIXED below mmap_min_addr), EEXIST
// (MAP_FIXED_NOREPLACE over a mapping).
func (m *MM) PrepareMmap(addr Addr, length uint64, prot Prot, flags MapFlags, file *File, pgoff uint64) (*VMA, []*VMA, error) {
	const op = "mmap"
	if length == 0 {
		return nil, nil, errf(op, EINVAL, "zero length")
	}
	l, ok := pageAlignLen(length)
	if !ok {
		return nil, nil, errf(op, ENOMEM, "length overflows")
	}
	if pgoff+l>>PageShift < pgoff {
		return nil, nil, errf(op, EINVAL, "file offset overflows")
	}
	anon := flags&MAP_ANONYMOUS != 0
	if anon {
		file = nil
	} else if file == nil {
		return nil, nil, errf(op, EBADF, "no file for a non-anonymous mapping")
	}
	vmflags, err := CalcVMFlags(prot, flags, file)
	if err != nil {
		return nil, nil, err
	}
	if flags&MAP_FIXED_NOREPLACE != 0 {
		flags |= MAP_FIXED
	}
	if flags&MAP_FIXED != 0 {
		switch {
		case !addr.PageAligned():
			return nil, nil, errf(op, EINVAL, "MAP_FIXED address not page aligned")
		case addr+Addr(l) < addr || addr+Addr(l) > m.taskSize:
			return nil, nil, errf(op, ENOMEM, "MAP_FIXED range beyond TASK_SIZE")
		case addr < MmapMinAddr:
			return nil, nil, errf(op, EPERM, "MAP_FIXED below mmap_min_addr")
		}
		if flags&MAP_FIXED_NOREPLACE != 0 && m.FindVMAIntersection(addr, addr+Addr(l)) != nil {
			return nil, nil, errf(op, EEXIST, "MAP_FIXED_NOREPLACE over an existing mapping")
		}
	} else {
		if addr != 0 && addr < MmapMinAddr {
			addr = MmapMinAddr // round_hint_to_min
		}
		if addr, err = m.GetUnmappedArea(addr, l); err != nil {
			return nil, nil, err
		}
	}
	if len(m.vmas) > m.maxMapCount {
		return nil, nil, errf(op, ENOMEM, "max_map_count reached")
	}
	end := addr + Addr(l)
	switch {
	case file != nil:
	case vmflags&VM_SHARED != 0 || flags&MAP_TYPE != MAP_PRIVATE:
		file = NewFile("/dev/zero (deleted)", l>>PageShift)
		file.shmem = true
		file.mapping.shmem = true
		pgoff = 0
	default:
		pgoff = uint64(addr) >> PageShift
	}
	var unmapped []*VMA
	if flags&MAP_FIXED != 0 {
		if unmapped, err = m.Munmap(addr, l); err != nil {
			return nil, nil, err
		}
	}
	v, err := m.NewVMA(addr, end, vmflags, file, pgoff)
	if err != nil {
		return nil, unmapped, err
	}
	return v, unmapped, nil
}

// Mmap is mmap(2) on the data side: PrepareMmap, InsertVMA and, for
// MAP_POPULATE, Populate. VMAs are not merged yet.
func (m *MM) Mmap(addr Addr, length uint64, prot Prot, flags MapFlags, file *File, pgoff uint64) (*VMA, error) {
	v, _, err := m.PrepareMmap(addr, length, prot, flags, file, pgoff)
	if err != nil {
		return nil, err
	}
	if err := m.InsertVMA(v); err != nil {
		return nil, err
	}
	if flags&MAP_POPULATE != 0 && flags&MAP_NONBLOCK == 0 {
		_ = m.Populate(v, v.start, v.end) // mm_populate's errors do not fail mmap
	}
	return v, nil
}

// Populate faults in [start, end) ∩ v as mm_populate/MADV_POPULATE do:
// write faults for private writable memory (giving anonymous pages), read
// faults otherwise. PROT_NONE, VM_IO and VM_PFNMAP VMAs are skipped.
func (m *MM) Populate(v *VMA, start, end Addr) error {
	if v == nil || v.Flags&(VM_IO|VM_PFNMAP) != 0 || v.Flags&VM_ACCESS_FLAGS == 0 {
		return nil
	}
	write := v.Flags&(VM_WRITE|VM_SHARED) == VM_WRITE
	start = max(start&PageMask, v.start)
	end = min(end, v.end)
	for a := start; a < end; a += PageSize {
		w := m.Walk(a)
		if w.Present() && (!write || w.Entry.Writable()) {
			continue
		}
		if _, err := m.HandleFault(v, a, write); err != nil {
			return err
		}
	}
	return nil
}

// Munmap is munmap(2) on the data side: it splits the VMAs at the edges of
// [start, start+length), zaps their PTEs (pages lose their mapcount and
// reference), detaches them from the tree and rmap, flushes the TLBs,
// frees the page tables nothing else uses (free_pgtables) and returns the
// removed VMAs in address order, so the caller can run vm_ops->close on
// them. Neighbours are never merged. It fails with EINVAL for an unaligned
// start, a zero length or a range beyond TASK_SIZE, and ENOMEM when a split
// would exceed max_map_count. Unmapping a hole is not an error.
func (m *MM) Munmap(start Addr, length uint64) ([]*VMA, error) {
	const op = "munmap"
	l, ok := pageAlignLen(length)
	switch {
	case !start.PageAligned():
		return nil, errf(op, EINVAL, "start not page aligned")
	case length == 0 || !ok:
		return nil, errf(op, EINVAL, "bad length")
	case start+Addr(l) < start || start+Addr(l) > m.taskSize:
		return nil, errf(op, EINVAL, "range beyond TASK_SIZE")
	}
	end := start + Addr(l)
	v := m.FindVMAIntersection(start, end)
	if v == nil {
		return nil, nil
	}
	if v.start < start {
		// only a split in the middle adds a VMA (vms_gather_munmap_vmas)
		if v.end > end && len(m.vmas) >= m.maxMapCount {
			return nil, errf(op, ENOMEM, "split would exceed max_map_count")
		}
		nv, err := m.splitVMA(v, start)
		if err != nil {
			return nil, err
		}
		v = nv
	}
	var removed []*VMA
	for v != nil && v.start < end {
		if v.end > end {
			if _, err := m.splitVMA(v, end); err != nil {
				return nil, err
			}
		}
		removed = append(removed, v)
		v = m.NextVMA(v)
	}
	for _, r := range removed {
		m.ZapRange(r, r.start, r.end)
	}
	for _, r := range removed {
		m.detach(r)
	}
	m.TLB.FlushRange(start, end)
	m.FreePageTables(removed[0].start, removed[len(removed)-1].end)
	return removed, nil
}

// UnmapRegion undoes whatever was installed for a VMA that will not be
// attached (unmap_region after a failed f_op->mmap): it zaps v's range,
// flushes the TLBs and frees the page tables nothing else uses.
func (m *MM) UnmapRegion(v *VMA) {
	if v == nil || v.mm != m {
		return
	}
	m.ZapRange(v, v.start, v.end)
	m.TLB.FlushRange(v.start, v.end)
	if !v.attached {
		m.FreePageTables(v.start, v.end)
	}
}
