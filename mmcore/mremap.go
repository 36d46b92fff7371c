package mmcore

// mremap(2) as mm/mremap.c has it on 6.18: shrink in place (unmap the
// tail), grow in place (vma_merge_extend), or move (copy_vma +
// move_page_tables + unmap the source), MREMAP_FIXED (including the 6.17
// multi-VMA move) and MREMAP_DONTUNMAP.

// mremap flags.
const (
	MREMAP_MAYMOVE   = 1
	MREMAP_FIXED     = 2
	MREMAP_DONTUNMAP = 4
)

// remapType is enum mremap_type (vrm_remap_type()), numbered as the
// kernel numbers it: MREMAP_INVALID until check_prep_vma() sets it.
type remapType int

const (
	remapInvalid remapType = iota
	remapNoResize
	remapShrink
	remapExpand
)

// VMARemap is a vma_remap_struct: one mremap's state between its steps.
type VMARemap struct {
	Addr, NewAddr  Addr
	OldLen, NewLen uint64
	Flags          int
	VMA            *VMA
	Delta          uint64
	remap          remapType
	populateExpand bool
	// Unmapped collects the VMAs the operation removed (the destination
	// of MREMAP_FIXED, shrunk tails, the moved source), for their
	// vm_ops->close.
	Unmapped []*VMA
}

func (r *VMARemap) impliesNewAddr() bool { return r.Flags&(MREMAP_FIXED|MREMAP_DONTUNMAP) != 0 }

func (r *VMARemap) setDelta() {
	if r.OldLen > r.NewLen {
		r.Delta = r.OldLen - r.NewLen
	} else {
		r.Delta = r.NewLen - r.OldLen
	}
	switch {
	case r.Delta == 0:
		r.remap = remapNoResize
	case r.OldLen > r.NewLen:
		r.remap = remapShrink
	default:
		r.remap = remapExpand
	}
}

// Mremap is mremap(2): it returns the (possibly new) address of the
// mapping, or the errno of check_mremap_params, check_prep_vma and the
// move. EINVAL for unknown flags, an unaligned address, a zero or too
// large new length, MREMAP_FIXED without MREMAP_MAYMOVE, DONTUNMAP with a
// resize, overlapping ranges, a private old_len of 0, or DONTUNMAP on a
// VM_DONTEXPAND/VM_PFNMAP VMA; EFAULT when addr is in no VMA or the range
// crosses the VMA's end (a multi-VMA move allows that), or growth of a
// VM_DONTEXPAND/VM_PFNMAP VMA; ENOMEM when in-place growth is impossible
// without MREMAP_MAYMOVE, no room to move, or near max_map_count.
func (m *MM) Mremap(addr Addr, oldLen, newLen uint64, flags int, newAddr Addr) (Addr, error) {
	r := &VMARemap{Addr: addr, OldLen: oldLen, NewLen: newLen, Flags: flags, NewAddr: newAddr}
	return m.DoMremap(r)
}

// DoMremap runs a prepared VMARemap (do_mremap).
func (m *MM) DoMremap(r *VMARemap) (Addr, error) {
	r.OldLen = (r.OldLen + PageSize - 1) &^ (PageSize - 1)
	r.NewLen = (r.NewLen + PageSize - 1) &^ (PageSize - 1)
	if err := m.checkMremapParams(r); err != nil {
		return 0, err
	}
	if r.Flags&MREMAP_FIXED != 0 && r.OldLen == r.NewLen {
		return m.remapMove(r)
	}
	r.VMA = m.VMALookup(r.Addr)
	if err := m.checkPrepVMA(r); err != nil {
		return 0, err
	}
	var res Addr
	var err error
	if r.impliesNewAddr() {
		res, err = m.mremapTo(r)
	} else {
		res, err = m.mremapAt(r)
	}
	if err == nil && r.populateExpand {
		if v := m.VMALookup(res + Addr(r.OldLen)); v != nil {
			_ = m.Populate(v, res+Addr(r.OldLen), res+Addr(r.NewLen))
		}
	}
	return res, err
}

// checkMremapParams is check_mremap_params.
func (m *MM) checkMremapParams(r *VMARemap) error {
	const op = "check_mremap_params"
	switch {
	case r.Flags&^(MREMAP_FIXED|MREMAP_MAYMOVE|MREMAP_DONTUNMAP) != 0:
		return errf(op, EINVAL, "unknown flags")
	case !r.Addr.PageAligned():
		return errf(op, EINVAL, "address not page aligned")
	case r.NewLen == 0:
		return errf(op, EINVAL, "zero new length")
	case r.NewLen > uint64(m.taskSize):
		return errf(op, EINVAL, "new length beyond TASK_SIZE")
	}
	if !r.impliesNewAddr() {
		return nil
	}
	switch {
	case uint64(r.NewAddr) > uint64(m.taskSize)-r.NewLen:
		return errf(op, EINVAL, "new address beyond TASK_SIZE")
	case !r.NewAddr.PageAligned():
		return errf(op, EINVAL, "new address not page aligned")
	case r.Flags&MREMAP_MAYMOVE == 0:
		return errf(op, EINVAL, "MREMAP_FIXED/DONTUNMAP without MREMAP_MAYMOVE")
	case r.Flags&MREMAP_DONTUNMAP != 0 && r.OldLen != r.NewLen:
		return errf(op, EINVAL, "MREMAP_DONTUNMAP with a resize")
	case r.Flags&MREMAP_FIXED != 0 && r.Addr < r.NewAddr+Addr(r.NewLen) && r.NewAddr < r.Addr+Addr(r.OldLen):
		return errf(op, EINVAL, "source and target overlap")
	case m.vmas.n+2 >= m.maxMapCount-3:
		return errf(op, ENOMEM, "too close to max_map_count")
	}
	return nil
}

// checkPrepVMA is check_prep_vma.
func (m *MM) checkPrepVMA(r *VMARemap) error {
	const op = "check_prep_vma"
	v := r.VMA
	if v == nil {
		return errf(op, EFAULT, "no VMA at "+r.Addr.String())
	}
	r.setDelta()
	if !r.impliesNewAddr() {
		r.NewAddr = r.Addr
	}
	if r.remap != remapExpand && !r.impliesNewAddr() {
		return nil
	}
	oldLen := r.OldLen
	if r.OldLen == 0 && v.Flags&(VM_SHARED|VM_MAYSHARE) == 0 {
		return errf(op, EINVAL, "old_len 0 duplicates only shared mappings")
	}
	if r.Flags&MREMAP_DONTUNMAP != 0 && v.Flags&(VM_DONTEXPAND|VM_PFNMAP) != 0 {
		return errf(op, EINVAL, "MREMAP_DONTUNMAP on a VM_DONTEXPAND/VM_PFNMAP VMA")
	}
	if r.remap == remapShrink {
		oldLen = r.NewLen
	}
	if oldLen > uint64(v.end-r.Addr) {
		return errf(op, EFAULT, "range crosses the end of the VMA")
	}
	if r.NewLen == oldLen {
		return nil
	}
	if v.Flags&VM_LOCKED != 0 {
		r.populateExpand = true
	}
	pgoff := v.PgoffOf(r.Addr)
	if pgoff+r.NewLen>>PageShift < pgoff {
		return errf(op, EINVAL, "pgoff overflows")
	}
	if v.Flags&(VM_DONTEXPAND|VM_PFNMAP) != 0 {
		return errf(op, EFAULT, "growing a VM_DONTEXPAND/VM_PFNMAP VMA")
	}
	return nil
}

// mremapAt is the resize in place (mremap_at).
func (m *MM) mremapAt(r *VMARemap) (Addr, error) {
	switch r.remap {
	case remapNoResize:
		return r.Addr, nil
	case remapShrink:
		if err := m.shrinkVMA(r); err != nil {
			return 0, err
		}
		return r.Addr, nil
	}
	return m.expandVMA(r)
}

// shrinkVMA unmaps [addr+new_len, addr+old_len) (shrink_vma).
func (m *MM) shrinkVMA(r *VMARemap) error {
	removed, err := m.Munmap(r.Addr+Addr(r.NewLen), r.Delta)
	r.Unmapped = append(r.Unmapped, removed...)
	r.VMA = m.VMALookup(r.Addr)
	return err
}

// expandVMA grows in place when [addr, addr+old_len) reaches the VMA's end
// and the space after it is free (vma_merge_extend), else moves with
// MREMAP_MAYMOVE, else fails with ENOMEM.
func (m *MM) expandVMA(r *VMARemap) (Addr, error) {
	v := r.VMA
	if uint64(v.end-r.Addr) == r.OldLen && m.vmaExpandable(v, r.Delta) {
		nv := m.VMAMergeExtend(v, r.Delta)
		if nv == nil {
			return 0, errf("expand_vma_in_place", ENOMEM, "cannot extend")
		}
		r.VMA = nv
		m.vmStatAccount(nv.Flags, int64(r.Delta>>PageShift))
		return r.Addr, nil
	}
	if r.Flags&MREMAP_MAYMOVE == 0 {
		return 0, errf("expand_vma", ENOMEM, "cannot grow in place and MREMAP_MAYMOVE not given")
	}
	if err := m.vrmSetNewAddr(r); err != nil {
		return 0, err
	}
	return m.moveVMA(r)
}

// vmaExpandable: [end, end+delta) is free and within TASK_SIZE.
func (m *MM) vmaExpandable(v *VMA, delta uint64) bool {
	end := v.end + Addr(delta)
	return end >= v.end && end <= m.taskSize && m.FindVMAIntersection(v.end, end) == nil
}

// VMAMergeExtend grows v by delta bytes in place, merging with the next
// VMA when it becomes adjacent and compatible (vma_merge_extend). It
// returns the VMA now covering the growth, or nil.
func (m *MM) VMAMergeExtend(v *VMA, delta uint64) *VMA {
	g := &VMAMerge{Prev: v, Start: v.end, End: v.end + Addr(delta), Flags: v.Flags, File: v.file,
		AnonVMA: v.anonVMA, Pgoff: v.PgoffOf(v.end), UffdCtx: v.UffdCtx}
	g.Next = m.NextVMA(v)
	return m.VMAMergeNewRange(g)
}

// vrmSetNewAddr picks the destination (vrm_set_new_addr): new_addr as
// given for MREMAP_FIXED, as a hint for DONTUNMAP, else anywhere.
func (m *MM) vrmSetNewAddr(r *VMARemap) error {
	if r.Flags&MREMAP_FIXED != 0 {
		return nil
	}
	var hint Addr
	if r.impliesNewAddr() {
		hint = r.NewAddr
	}
	a, err := m.GetUnmappedArea(hint, r.NewLen)
	if err != nil {
		return err
	}
	r.NewAddr = a
	return nil
}

// mremapTo moves to a given address (mremap_to): MREMAP_FIXED unmaps the
// destination first; a shrink is done first, then the move.
func (m *MM) mremapTo(r *VMARemap) (Addr, error) {
	if r.Flags&MREMAP_FIXED != 0 {
		removed, err := m.Munmap(r.NewAddr, r.NewLen)
		r.Unmapped = append(r.Unmapped, removed...)
		if err != nil {
			return 0, err
		}
		// the source VMA may have been split by that munmap
		r.VMA = m.VMALookup(r.Addr)
		if r.VMA == nil {
			return 0, errf("mremap_to", EFAULT, "source unmapped")
		}
	}
	if r.remap == remapShrink {
		if err := m.shrinkVMA(r); err != nil {
			return 0, err
		}
		r.OldLen = r.NewLen
	}
	if err := m.vrmSetNewAddr(r); err != nil {
		return 0, err
	}
	return m.moveVMA(r)
}

// moveVMA is move_vma: CopyVMA at the destination (which may merge with
// the VMAs there), MovePageTables, then the source range is unmapped
// (unmap_source_vma, keeping VM_ACCOUNT on what remains of the source) or,
// with MREMAP_DONTUNMAP, left mapped and empty (dontunmap_complete: it
// loses VM_LOCKED and, when wholly moved, its anon_vma links, and on
// 6.18.44 keeps VM_ACCOUNT, as observed).
func (m *MM) moveVMA(r *VMARemap) (Addr, error) {
	if m.vmas.n >= m.maxMapCount-3 {
		return 0, errf("prep_move_vma", ENOMEM, "too close to max_map_count")
	}
	v := r.VMA
	if v.start != r.Addr {
		if err := m.vmOpsMaySplit(v, r.Addr); err != nil {
			return 0, err
		}
	}
	if v.end != r.Addr+Addr(r.OldLen) {
		if err := m.vmOpsMaySplit(v, r.Addr+Addr(r.OldLen)); err != nil {
			return 0, err
		}
	}
	newPgoff := v.PgoffOf(r.Addr)
	nv, src := m.CopyVMA(v, r.NewAddr, r.NewLen, newPgoff)
	if nv == nil {
		return 0, errf("copy_vma", ENOMEM, "cannot copy the VMA")
	}
	r.VMA = src
	m.MovePageTables(src, r.Addr, nv, r.NewAddr, r.OldLen)
	return m.finishMove(r, nv)
}

// CopyVMA creates the destination of an mremap move (copy_vma): an
// unfaulted private anonymous VMA takes pgoff = addr>>PAGE_SHIFT (so it
// merges like a new mapping); any other keeps pgoff. The range first tries
// to merge with the VMAs around it (vma_merge_copied_range, with v as the
// copied-from VMA whose fork-child state the anon_vma rule checks);
// otherwise a copy of v is linked (vm_area_dup + anon_vma_clone; the
// caller ->opens it). It returns the destination VMA and the source VMA
// (which is a different struct if the source merged into the destination,
// possible only when unfaulted).
func (m *MM) CopyVMA(v *VMA, addr Addr, length uint64, pgoff uint64) (nv, src *VMA) {
	src = v
	if v.Anonymous() && v.anonVMA == nil {
		pgoff = uint64(addr) >> PageShift
	}
	end := addr + Addr(length)
	next, prev := m.FindVMAPrev(addr)
	if next != nil && next.start < end {
		return nil, src
	}
	g := &VMAMerge{Prev: prev, Next: next, Start: addr, End: end, Flags: v.Flags, File: v.file,
		AnonVMA: v.anonVMA, Pgoff: pgoff, CopiedFrom: v, UffdCtx: v.UffdCtx}
	if prev != nil || next != nil {
		nv = m.VMAMergeNewRange(g)
	}
	if nv != nil {
		if v.start >= nv.start && v.start < nv.end {
			src = nv
		}
		return nv, src
	}
	nv = m.vmAreaDup(v)
	m.setRange(nv, addr, end, pgoff)
	anonVMAClone(nv, v)
	m.link(nv)
	return nv, src
}

// MovePageTables moves the entries mapping [oldAddr, oldAddr+length) of
// old to newAddr in new (move_page_tables): where both ranges cover a
// whole, aligned PMD and the destination has no PTE table, the PTE table
// itself moves (move_normal_pmd); otherwise entry by entry (move_ptes).
// Pages keep their mapcount, refcount and Rss. The old range's TLB
// entries are flushed. It returns the bytes moved.
func (m *MM) MovePageTables(old *VMA, oldAddr Addr, nw *VMA, newAddr Addr, length uint64) uint64 {
	end := oldAddr + Addr(length)
	for a := oldAddr; a < end; {
		if w := m.Walk(a); w.Depth < LevelPMD {
			// no PMD table: nothing mapped up to the end of the upper
			// table's entry (get_old_pmd fails, the loop moves on)
			if w.Depth == LevelNone {
				break
			}
			span := Addr(1) << w.Tables[w.Depth].shift
			a = min((a&^(span-1))+span, end)
			continue
		}
		extent := min(end-a, (a|(PMD_SIZE-1))+1-a)
		na := newAddr + (a - oldAddr)
		if m.moveHugePMD(a, na, extent) { // move_page_tables' huge case: move_huge_pmd, else split
			a += extent
			continue
		}
		if extent == PMD_SIZE && na&(PMD_SIZE-1) == 0 && m.moveNormalPMD(a, na) {
			a += extent
			continue
		}
		m.movePTEs(a, na, extent)
		a += extent
	}
	m.TLB.FlushRange(oldAddr, end)
	return length
}

// moveNormalPMD moves the PTE table for the PMD at oldAddr to newAddr's
// empty PMD entry.
func (m *MM) moveNormalPMD(oldAddr, newAddr Addr) bool {
	ow := m.Walk(oldAddr)
	if ow.Depth != LevelPTE {
		return true // no PTE table: nothing to move
	}
	nw, _, err := m.AllocTables(newAddr)
	if err != nil {
		return false
	}
	npmd := nw.Tables[LevelPMD]
	ni := npmd.Index(newAddr)
	if c := npmd.next[ni]; c != nil && c.used > 0 {
		return false
	} else if c != nil {
		c.freed = true
		c.parent = nil
		m.nrPgtables--
	}
	opmd := ow.Tables[LevelPMD]
	oi := opmd.Index(oldAddr)
	t := opmd.next[oi]
	m.ptChanged()
	opmd.next[oi] = nil
	opmd.used--
	npmd.next[ni] = t
	t.parent, t.pindex, t.base = npmd, ni, newAddr&^(PMD_SIZE-1)
	return true
}

// movePTEs moves the entries of [oldAddr, oldAddr+extent) one by one.
func (m *MM) movePTEs(oldAddr, newAddr, extent Addr) {
	m.forEachPTE(oldAddr, oldAddr+extent, func(t *PageTable, i int, e PTE) {
		a := t.base + Addr(i)<<PageShift
		nw, _, err := m.AllocTables(newAddr + (a - oldAddr))
		if err != nil {
			return
		}
		nt := nw.Tables[LevelPTE]
		m.ptChanged()
		t.ptes[i] = 0
		t.used--
		nt.ptes[nt.Index(nw.Addr)] = e
		nt.used++
	})
}

// remapMove is the MREMAP_FIXED move with old_len == new_len (remap_move,
// 6.17+): every VMA of [addr, addr+old_len) moves, each at the same offset
// from the previous one as in the source, so holes are kept; a hole at the
// start of the range is EFAULT.
func (m *MM) remapMove(r *VMARemap) (Addr, error) {
	start, end := r.Addr, r.Addr+Addr(r.OldLen)
	target := r.NewAddr
	var res Addr
	seen := false
	var lastEnd Addr
	for start < end {
		v := m.FindVMA(start)
		if v == nil || v.start >= end {
			break
		}
		if !seen && start < v.start {
			return 0, errf("remap_move", EFAULT, "hole at the start of the range")
		}
		addr := max(v.start, start)
		length := uint64(min(end, v.end) - addr)
		var offset Addr
		if seen {
			offset = v.start - lastEnd
		}
		lastEnd = v.end
		vend := v.end
		sub := &VMARemap{Addr: addr, NewAddr: target + offset, OldLen: length, NewLen: length,
			Flags: r.Flags, VMA: v}
		if err := m.checkPrepVMA(sub); err != nil {
			return 0, err
		}
		got, err := m.mremapTo(sub)
		r.Unmapped = append(r.Unmapped, sub.Unmapped...)
		if err != nil {
			return 0, err
		}
		if !seen {
			res = got
		}
		seen = true
		target = got + Addr(length)
		start = vend
	}
	if !seen {
		return 0, errf("remap_move", EFAULT, "no VMA in the range")
	}
	return res, nil
}

// finishMove is the end of move_vma() after the page tables moved: the
// accounting, then with MREMAP_DONTUNMAP dontunmap_complete() (the source
// keeps its range, unlocked, and loses its anon_vma when wholly moved),
// otherwise the unmap of the source range. r.VMA is the source VMA.
func (m *MM) finishMove(r *VMARemap, nv *VMA) (Addr, error) {
	m.VRMStatAccount(r, nv)
	return m.UnmapSourceVMA(r, nv, false)
}

// VRMStatAccount is move_vma()'s vrm_stat_account(vrm, vrm->new_len),
// before the source is unmapped or kept.
func (m *MM) VRMStatAccount(r *VMARemap, nv *VMA) {
	m.vmStatAccount(nv.Flags, int64(r.NewLen>>PageShift))
}

// UnmapSourceVMA is the rest of move_vma() after vrm_stat_account():
// dontunmap_complete() for MREMAP_DONTUNMAP, unless moveFailed (the move
// failed after copy_vma and r points at the new area, which move_vma()
// then unmaps: "if (unlikely(!err && (vrm->flags & MREMAP_DONTUNMAP)))"),
// otherwise unmap_source_vma(). It changes nothing before the unmap's
// first split, so a caller may run it again after a split gate stopped
// it (SetSplitGate).
func (m *MM) UnmapSourceVMA(r *VMARemap, nv *VMA, moveFailed bool) (Addr, error) {
	src := r.VMA
	if r.Flags&MREMAP_DONTUNMAP != 0 && !moveFailed {
		start, end := r.Addr, r.Addr+Addr(r.OldLen)
		src.Flags &^= VM_LOCKED_MASK
		if nv != src && start == src.start && end == src.end {
			unlinkAnonVMAs(src)
		}
		return r.NewAddr, nil
	}
	// unmap_source_vma is best effort: when do_vmi_munmap fails (EINVAL
	// for the old_len 0 duplication of a shared mapping, ENOMEM when a
	// split fails) it only fixes the accounting and the move still
	// succeeds.
	removed, _ := m.Munmap(r.Addr, r.OldLen)
	r.Unmapped = append(r.Unmapped, removed...)
	return r.NewAddr, nil
}
