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
// (returning the highest fit) or from the bottom (the lowest), walking the
// VMA tree from the end it starts at (vm_unmapped_area).
func (m *MM) findGap(low, high, n Addr, topDown bool) (Addr, bool) {
	if high <= low || high-low < n {
		return 0, false
	}
	t := &m.vmas
	// the gap below the VMA at c (c past the end: below TASK_SIZE)
	gap := func(c vmaCursor) (gs, ge Addr, prev *VMA) {
		gs, ge = 0, m.taskSize
		prev = t.at(t.prev(c))
		if prev != nil {
			gs = prev.end
		}
		if v := t.at(c); v != nil {
			ge = vmStartGap(v)
		}
		return max(gs, low), min(ge, high), prev
	}
	if topDown {
		for c := t.seek(high); ; c = t.prev(c) {
			gs, ge, prev := gap(c)
			if ge > gs && ge-gs >= n {
				return ge - n, true
			}
			if prev == nil || prev.end <= low {
				return 0, false
			}
		}
	}
	for c := t.seek(low); ; c = t.next(c) {
		gs, ge, _ := gap(c)
		if ge > gs && ge-gs >= n {
			return gs, true
		}
		if t.at(c) == nil || t.at(c).end >= high {
			return 0, false
		}
	}
}

// mmapArgs is what do_mmap has decided before mmap_region runs.
type mmapArgs struct {
	addr     Addr
	len      uint64
	vmflags  VMFlags
	file     *File
	pgoff    uint64
	populate bool
	prot     Prot
	flags    MapFlags
}

// doMmap validates mmap's arguments and computes the flags, pgoff and
// address as do_mmap does, in the kernel's order (so the first failing
// check decides the errno). It is doMmapArgs, getUnmappedArea,
// the MAP_FIXED_NOREPLACE check and doMmapFlags in turn: the steps the
// kernel library's do_mmap (runtime/kernel/mmap.mms) runs one by one.
func (m *MM) doMmap(addr Addr, length uint64, prot Prot, flags MapFlags, file *File, pgoff uint64) (mmapArgs, error) {
	a, err := m.doMmapArgs(addr, length, prot, flags, file, pgoff)
	if err != nil {
		return a, err
	}
	if err := m.getUnmappedArea(&a); err != nil {
		return a, err
	}
	if a.flags&MAP_FIXED_NOREPLACE != 0 && m.FindVMAIntersection(a.addr, a.addr+Addr(a.len)) != nil {
		return a, errf("do_mmap", EEXIST, "MAP_FIXED_NOREPLACE over an existing mapping")
	}
	return a, m.doMmapFlags(&a)
}

// doMmapArgs is do_mmap up to __get_unmapped_area: the checks that read
// nothing of the address space but map_count.
func (m *MM) doMmapArgs(addr Addr, length uint64, prot Prot, flags MapFlags, file *File, pgoff uint64) (mmapArgs, error) {
	const op = "do_mmap"
	var a mmapArgs
	if length == 0 {
		return a, errf(op, EINVAL, "zero length")
	}
	// mmap ignores prot bits it does not know (only mprotect validates)
	prot &= PROT_READ | PROT_WRITE | PROT_EXEC
	if flags&MAP_ANONYMOUS != 0 {
		file = nil
	} else if file == nil {
		return a, errf(op, EBADF, "no file for a non-anonymous mapping")
	}
	if flags&MAP_FIXED_NOREPLACE != 0 {
		flags |= MAP_FIXED // "force arch specific MAP_FIXED handling"
	}
	if flags&MAP_FIXED == 0 && addr != 0 && addr < MmapMinAddr {
		addr = MmapMinAddr // round_hint_to_min
	}
	l, ok := pageAlignLen(length)
	if !ok {
		return a, errf(op, ENOMEM, "length overflows")
	}
	if pgoff+l>>PageShift < pgoff {
		return a, errf(op, EOVERFLOW, "file offset overflows")
	}
	if m.vmas.n > m.maxMapCount {
		return a, errf(op, ENOMEM, "max_map_count exceeded")
	}
	return mmapArgs{addr: addr, len: l, file: file, pgoff: pgoff, prot: prot, flags: flags}, nil
}

// getUnmappedArea is do_mmap's __get_unmapped_area: the MAP_FIXED checks,
// or the choice of an address (GetUnmappedArea), into a.addr.
func (m *MM) getUnmappedArea(a *mmapArgs) error {
	const op = "do_mmap"
	l := a.len
	if l > uint64(m.taskSize) {
		return errf(op, ENOMEM, "length beyond TASK_SIZE")
	}
	if a.flags&MAP_FIXED != 0 {
		switch {
		case a.addr > m.taskSize-Addr(l):
			return errf(op, ENOMEM, "MAP_FIXED range beyond TASK_SIZE")
		case !a.addr.PageAligned():
			return errf(op, EINVAL, "MAP_FIXED address not page aligned")
		case a.addr < MmapMinAddr:
			return errf(op, EPERM, "MAP_FIXED below mmap_min_addr")
		}
		return nil
	}
	addr, err := m.GetUnmappedArea(a.addr, l)
	a.addr = addr
	return err
}

// doMmapFlags is do_mmap after the address is known: the map type, the
// VMA flags, pgoff and whether mm_populate follows.
func (m *MM) doMmapFlags(a *mmapArgs) error {
	const op = "do_mmap"
	flags, file, prot, pgoff := a.flags, a.file, a.prot, a.pgoff
	if flags&MAP_TYPE == MAP_SHARED_VALIDATE && flags&^mapSharedValidateMask != 0 {
		return errf(op, EOPNOTSUPP, "unknown flag with MAP_SHARED_VALIDATE")
	}
	vmflags, err := CalcVMFlags(prot, flags, file)
	if err != nil {
		return err
	}
	if prot == PROT_EXEC && !m.noPkeys {
		vmflags |= execOnlyPkey // execute_only_pkey
	}
	if vmflags&VM_GROWSDOWN != 0 && (file != nil || vmflags&VM_SHARED != 0) {
		return errf(op, EINVAL, "MAP_GROWSDOWN on a file or shared mapping")
	}
	switch {
	case file != nil:
	case vmflags&VM_SHARED != 0:
		pgoff = 0
	default:
		pgoff = uint64(a.addr) >> PageShift
	}
	if m.softDirty {
		vmflags |= VM_SOFTDIRTY // __mmap_complete sets it on every new mapping
	}
	a.vmflags, a.pgoff = vmflags, pgoff
	a.populate = vmflags&VM_LOCKED != 0 || flags&(MAP_POPULATE|MAP_NONBLOCK) == MAP_POPULATE
	return nil
}

// execOnlyPkey is the protection key x86 gives PROT_EXEC-only mappings
// (mm->context.execute_only_pkey, key 1 on a fresh mm).
const execOnlyPkey = VM_PKEY_BIT0

// mapSharedValidateMask is LEGACY_MAP_MASK plus the flags that need
// MAP_SHARED_VALIDATE: what do_mmap accepts with it.
// MAP_FIXED_NOREPLACE is let through here (do_mmap has already turned it
// into MAP_FIXED).
const mapSharedValidateMask = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE |
	MAP_EXECUTABLE | MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE |
	MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_32BIT | MAP_ABOVE4G |
	MAP_HUGE_MASK | MAP_FIXED_NOREPLACE

// accountableMapping: private writable memory without MAP_NORESERVE is
// charged against the commit limit and gets VM_ACCOUNT.
func accountableMapping(f VMFlags) bool { return f&(VM_NORESERVE|VM_SHARED|VM_WRITE) == VM_WRITE }

// PrepareMmap does the first half of mmap (do_mmap up to the point where
// f_op->mmap runs): it validates the arguments, computes the flags,
// chooses the address, unmaps what a MAP_FIXED mapping replaces, and
// returns the new VMA detached, with the VMAs it unmapped (for their
// vm_ops->close). The caller may run a driver's mmap hook on the VMA
// (which may set flags or install pages), then attach it with InsertVMA,
// or discard it with UnmapRegion. file is ignored for MAP_ANONYMOUS; a
// shared anonymous mapping gets a fresh shmem file, as shmem_zero_setup
// gives it. This path never merges (a driver's VMA is linked as it is);
// Mmap is the whole syscall for plain memory.
//
// Errors are mmap(2)'s: EINVAL (zero length, unaligned MAP_FIXED address,
// bad map type), EBADF (no file and not anonymous), EACCES/EPERM (file
// mode, see CalcVMFlags), ENOMEM (no room, beyond TASK_SIZE or
// max_map_count), EPERM (MAP_FIXED below mmap_min_addr), EEXIST
// (MAP_FIXED_NOREPLACE over a mapping), EOVERFLOW (pgoff + length wraps),
// EOPNOTSUPP (unknown flag with MAP_SHARED_VALIDATE).
func (m *MM) PrepareMmap(addr Addr, length uint64, prot Prot, flags MapFlags, file *File, pgoff uint64) (*VMA, []*VMA, error) {
	a, err := m.doMmap(addr, length, prot, flags, file, pgoff)
	if err != nil {
		return nil, nil, err
	}
	var unmapped []*VMA
	if flags&(MAP_FIXED|MAP_FIXED_NOREPLACE) != 0 {
		if unmapped, err = m.Munmap(a.addr, a.len); err != nil {
			return nil, nil, err
		}
	}
	if accountableMapping(a.vmflags) {
		a.vmflags |= VM_ACCOUNT
	}
	v := m.vmAreaAlloc(a.addr, a.addr+Addr(a.len), a.vmflags, a.file, a.pgoff)
	m.shmemZeroSetup(v)
	return v, unmapped, nil
}

// shmemZeroSetup gives a shared anonymous VMA its own shmem file
// (shmem_zero_setup): two such mappings never share a file, so they never
// merge.
func (m *MM) shmemZeroSetup(v *VMA) {
	if v.file == nil && v.Flags&VM_SHARED != 0 {
		f := NewFile("/dev/zero (deleted)", v.Pages())
		f.shmem = true
		f.mapping.shmem = true
		v.file = f
		v.pgoff = 0
	}
}

// Mmap is mmap(2) on the data side (do_mmap + mmap_region + mm_populate)
// and returns the VMA that covers the new range: a neighbour it merged
// into, or a new VMA. The steps are mmap_region's: gather and split what a
// MAP_FIXED mapping replaces (VMSGatherMunmapVMAs), clear its page tables
// and run its close hooks (vms_clean_up_area: the VMAs are returned by
// MmapRegion for that), try vma_merge_new_range with the neighbours,
// otherwise allocate and link a new VMA, then free the replaced VMAs
// (vms_complete_munmap_vmas). MAP_POPULATE and MAP_LOCKED populate the
// range afterwards, whose failures do not fail mmap. Errors: see
// PrepareMmap.
func (m *MM) Mmap(addr Addr, length uint64, prot Prot, flags MapFlags, file *File, pgoff uint64) (*VMA, error) {
	_, v, _, err := m.MmapRegion(addr, length, prot, flags, file, pgoff)
	return v, err
}

// DoMmap is mmap(2) returning what the syscall returns: the address of the
// new mapping (which, after a merge, is not the start of the VMA covering
// it).
func (m *MM) DoMmap(addr Addr, length uint64, prot Prot, flags MapFlags, file *File, pgoff uint64) (Addr, error) {
	a, _, _, err := m.MmapRegion(addr, length, prot, flags, file, pgoff)
	return a, err
}

// MmapRegion is Mmap returning also the mapping's address and the VMAs
// the new mapping replaced (detached; the caller runs their
// vm_ops->close).
func (m *MM) MmapRegion(addr Addr, length uint64, prot Prot, flags MapFlags, file *File, pgoff uint64) (Addr, *VMA, []*VMA, error) {
	a, err := m.doMmap(addr, length, prot, flags, file, pgoff)
	if err != nil {
		return 0, nil, nil, err
	}
	start, end := a.addr, a.addr+Addr(a.len)
	// __mmap_prepare: gather what the mapping replaces
	var vms *VMAMunmap
	c := m.vmas.seek(start)
	next, prev := m.vmas.at(c), m.vmas.at(m.vmas.prev(c))
	if next != nil && next.start < end {
		if vms, err = m.VMSGatherMunmapVMAs(start, end); err != nil {
			return 0, nil, nil, err
		}
		prev, next = vms.Prev, vms.Next
		// vma_iter_clear_gfp comes later in the kernel (the new VMA
		// overwrites the range); taking them out of the tree now keeps
		// mmcore's tree free of overlaps and changes nothing observable.
		m.VMAIterClear(vms)
		c = m.vmas.seek(start)
	}
	if accountableMapping(a.vmflags) {
		a.vmflags |= VM_ACCOUNT
	}
	if vms != nil {
		m.VMSClearPTEs(vms) // vms_clean_up_area
	}
	// try to merge with the neighbours, else allocate a new VMA
	var v *VMA
	if prev != nil || next != nil {
		g := &VMAMerge{Prev: prev, Next: next, Start: start, End: end, Flags: a.vmflags,
			File: a.file, Pgoff: a.pgoff}
		v = m.VMAMergeNewRange(g)
	}
	if v == nil {
		v = m.vmAreaAlloc(start, end, a.vmflags, a.file, a.pgoff)
		m.shmemZeroSetup(v)
		m.linkAt(c, v)
	}
	// __mmap_complete
	var replaced []*VMA
	if vms != nil {
		replaced = m.VMSCompleteMunmapVMAs(vms)
	}
	m.vmStatAccount(a.vmflags, int64(a.len>>PageShift))
	if a.vmflags&VM_LOCKED != 0 {
		if a.vmflags&VM_SPECIAL != 0 {
			v.Flags &^= VM_LOCKED_MASK
		} else {
			m.lockedVM += a.len >> PageShift
		}
	}
	if a.populate {
		_ = m.Populate(v, start, end) // mm_populate's errors do not fail mmap
	}
	return start, v, replaced, nil
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

// VMAMunmap is a vma_munmap_struct: the state of an munmap between its
// steps. Detached holds the VMAs being removed, in address order; Prev and
// Next are the VMAs around the range (nil at either end). UnmapStart and
// UnmapEnd are the floor and ceiling free_pgtables may clear up to.
type VMAMunmap struct {
	Start, End              Addr
	Prev, Next              *VMA
	Detached                []*VMA
	UnmapStart, UnmapEnd    Addr
	NrPages, NrAccounted    uint64
	LockedVM                uint64
	ExecVM, StackVM, DataVM uint64
	// ClearPTEs is true until VMSClearPTEs has zapped the range.
	ClearPTEs bool
	first     vmaCursor // where the gather found Detached[0]
	// Split lists the VMAs the gather created by splitting (the pieces
	// kept outside the range), which the caller must ->open, as
	// __split_vma does.
	Split  []*VMA
	inTree bool
}

// VMSGatherMunmapVMAs is munmap's first step (vms_gather_munmap_vmas): it
// splits the VMA at start (new_below: the new struct is the piece kept
// below, the original continues into the range) and the VMA at end (the new
// struct is the piece kept above), then marks every VMA inside [start, end)
// detached. They stay in the tree until VMAIterClear. start and end must be
// page aligned. Errors: ENOMEM when the first split would leave map_count
// above max_map_count, a MaySplit error; on error nothing is detached (a
// split already done stays, as in the kernel).
func (m *MM) VMSGatherMunmapVMAs(start, end Addr) (*VMAMunmap, error) {
	vms := &VMAMunmap{}
	if err := m.vmsGather(vms, start, end); err != nil {
		return nil, err
	}
	return vms, nil
}

func (m *MM) vmsGather(vms *VMAMunmap, start, end Addr) error {
	*vms = VMAMunmap{Start: start, End: end, UnmapStart: 0, UnmapEnd: m.taskSize, inTree: true}
	t := &m.vmas
	c := t.seek(start)
	v := t.at(c)
	if v == nil || v.start >= end {
		return nil
	}
	if start > v.start {
		if end < v.end && m.vmas.n >= m.maxMapCount {
			return errf("vms_gather_munmap_vmas", ENOMEM, "split would exceed max_map_count")
		}
		nv, err := m.splitVMA(v, start, true)
		if err != nil {
			return err
		}
		vms.Split = append(vms.Split, nv)
		c = t.next(t.seek(nv.start)) // v is now right after the new lower piece
	}
	vms.Prev = t.at(t.prev(c))
	if vms.Prev != nil {
		vms.UnmapStart = vms.Prev.end
	}
	vms.first = c
	for v != nil && v.start < end {
		if v.end > end {
			nv, err := m.splitVMA(v, end, false)
			if err != nil {
				for _, d := range vms.Detached { // reattach_vmas
					d.attached = true
				}
				return err
			}
			vms.Split = append(vms.Split, nv)
			c, _ = t.find(v) // the split may have moved v to another chunk
		}
		v.attached = false // vma_mark_detached
		vms.Detached = append(vms.Detached, v)
		n := v.Pages()
		vms.NrPages += n
		if v.Flags&VM_LOCKED != 0 {
			vms.LockedVM += n
		}
		if v.Flags&VM_ACCOUNT != 0 {
			vms.NrAccounted += n
		}
		switch {
		case isExecMapping(v.Flags):
			vms.ExecVM += n
		case isStackMapping(v.Flags):
			vms.StackVM += n
		case isDataMapping(v.Flags):
			vms.DataVM += n
		}
		c = t.next(c)
		v = t.at(c)
	}
	vms.Next = v
	if v != nil {
		vms.UnmapEnd = v.start
	}
	vms.ClearPTEs = len(vms.Detached) > 0
	return nil
}

// VMAIterClear takes the gathered VMAs out of the tree
// (vma_iter_clear_gfp): from now on lookups no longer find them.
func (m *MM) VMAIterClear(vms *VMAMunmap) {
	if !vms.inTree {
		return
	}
	vms.inTree = false
	if len(vms.Detached) == 0 {
		return
	}
	// the detached VMAs are consecutive in the tree: remove them where
	// the gather found the first one, if the tree has not changed since
	c := vms.first
	if m.vmas.at(c) != vms.Detached[0] {
		c, _ = m.vmas.find(vms.Detached[0])
	}
	consecutive := true
	for i, at := 0, c; i < len(vms.Detached); i, at = i+1, m.vmas.next(at) {
		if v := vms.Detached[i]; !v.linked || m.vmas.at(at) != v {
			consecutive = false
			break
		}
	}
	if consecutive {
		m.vmas.removeN(c, len(vms.Detached))
	} else {
		// A caller ran the steps out of order (two gathers of one range,
		// a split in between): take out each VMA that is still there.
		for _, v := range vms.Detached {
			if c, ok := m.vmas.find(v); ok && v.linked {
				m.vmas.remove(c)
			}
		}
	}
	for _, v := range vms.Detached {
		v.linked = false
	}
}

// InTree reports whether the gathered VMAs are still in the VMA tree
// (VMAIterClear has not run).
func (vms *VMAMunmap) InTree() bool { return vms.inTree }

// VMSClearPTEs is munmap's page-table step (vms_clear_ptes →
// unmap_region): unmap_vmas zaps the PTEs of every gathered VMA (pages lose
// their mapcount and reference), free_pgtables frees the tables nothing
// else uses, and the TLB is flushed (tlb_finish_mmu). It runs once.
func (m *MM) VMSClearPTEs(vms *VMAMunmap) {
	if !vms.ClearPTEs {
		return
	}
	m.VMAIterClear(vms)
	m.UnmapVMAs(vms.Detached)
	m.TLB.FlushRange(vms.Start, vms.End)
	m.FreePageTables(vms.Detached[0].start, vms.Detached[len(vms.Detached)-1].end)
	vms.ClearPTEs = false
}

// UnmapVMAs zaps the PTEs of each VMA over its whole range (unmap_vmas).
// It does not flush the TLB: the caller's mmu_gather does.
func (m *MM) UnmapVMAs(vmas []*VMA) {
	for _, v := range vmas {
		m.ZapRange(v, v.start, v.end)
	}
}

// VMSCompleteMunmapVMAs finishes an munmap (vms_complete_munmap_vmas):
// the page tables are cleared if VMSClearPTEs has not run yet, the counters
// drop, the VMAs leave the rmap (unlink_file_vma, unlink_anon_vmas), and
// they are returned for remove_vma: the caller runs each one's
// vm_ops->close, and then the kernel frees them. In the kernel the mmap
// lock may be downgraded to read before this step.
func (m *MM) VMSCompleteMunmapVMAs(vms *VMAMunmap) []*VMA {
	m.VMAIterClear(vms)
	m.VMSClearPTEs(vms)
	m.totalVM -= vms.NrPages
	m.lockedVM -= min(m.lockedVM, vms.LockedVM)
	m.execVM -= vms.ExecVM
	m.stackVM -= vms.StackVM
	m.dataVM -= vms.DataVM
	for _, v := range vms.Detached {
		if v.file != nil {
			v.file.mapping.imapRemove(v)
		}
		unlinkAnonVMAs(v)
	}
	return vms.Detached
}

// UnlinkAnonVMAs takes v out of its anon_vmas (unlink_anon_vmas(), as
// free_pgtables() calls it under the anon_vma root's lock): anonymous
// rmap walks no longer find it. VMSCompleteMunmapVMAs finds it done.
func (m *MM) UnlinkAnonVMAs(v *VMA) { unlinkAnonVMAs(v) }

// UnlinkFileVMA takes v out of its file's i_mmap tree
// (unlink_file_vma_batch_final(), under the mapping's i_mmap_rwsem for
// write): file rmap walks no longer find it. VMSCompleteMunmapVMAs finds
// it done.
func (m *MM) UnlinkFileVMA(v *VMA) {
	if v.file != nil {
		v.file.mapping.imapRemove(v)
	}
}

// Munmap is munmap(2) on the data side (do_vmi_munmap), the composition of
// VMSGatherMunmapVMAs (split at both ends, mark detached), VMAIterClear
// (remove from the tree), VMSClearPTEs (unmap_vmas, free_pgtables, TLB
// flush) and VMSCompleteMunmapVMAs (unlink from the rmap). It returns the
// removed VMAs in address order, so the caller can run vm_ops->close on
// them (remove_vma). Since a partial unmap splits with new_below at the
// start, a removed VMA is the original struct and the pieces kept outside
// the range are new structs (see VMSGatherMunmapVMAs). Neighbours are
// never merged. It fails with EINVAL for an unaligned start, a zero length
// or a range beyond TASK_SIZE, and ENOMEM when a split would exceed
// max_map_count. Unmapping a hole is not an error.
func (m *MM) Munmap(start Addr, length uint64) ([]*VMA, error) {
	const op = "do_vmi_munmap"
	if !start.PageAligned() || start > m.taskSize || length > uint64(m.taskSize-start) {
		return nil, errf(op, EINVAL, "start unaligned or range beyond TASK_SIZE")
	}
	l, _ := pageAlignLen(length)
	if l == 0 {
		return nil, errf(op, EINVAL, "zero length")
	}
	end := start + Addr(l)
	var vms VMAMunmap
	if err := m.vmsGather(&vms, start, end); err != nil {
		return nil, err
	}
	if len(vms.Detached) == 0 {
		return nil, nil
	}
	m.VMAIterClear(&vms)
	return m.VMSCompleteMunmapVMAs(&vms), nil
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
	if !v.linked {
		m.FreePageTables(v.start, v.end)
	}
}
