package mmcore

// The data steps of mremap(2)'s move and of fork's dup_mmap, one kernel
// function (or one statement of one) each, for a caller that takes the
// locks between them (the runtime's kernel library). Mremap and Fork are
// the same work done at once.

// The steps of do_mremap() before move_vma() (mm/mremap.c), for the
// runtime's kernel library, which runs the unmaps between them (the
// MREMAP_FIXED target's do_munmap(), shrink_vma()'s do_vmi_munmap())
// through its munmap path. DoMremap is the same work done at once.

// VRMInit is the vma_remap_struct SYSCALL_DEFINE5(mremap) fills in,
// with do_mremap()'s PAGE_ALIGN() of both lengths.
func VRMInit(addr Addr, oldLen, newLen uint64, flags int, newAddr Addr) *VMARemap {
	return &VMARemap{Addr: addr, OldLen: (oldLen + PageSize - 1) &^ (PageSize - 1),
		NewLen: (newLen + PageSize - 1) &^ (PageSize - 1), Flags: flags, NewAddr: newAddr}
}

// CheckMremapParams is check_mremap_params().
func (m *MM) CheckMremapParams(r *VMARemap) error { return m.checkMremapParams(r) }

// CheckPrepVMA is check_prep_vma() of r.VMA (nil: EFAULT): it sets the
// delta, the remap type and, without MREMAP_FIXED/DONTUNMAP, NewAddr.
func (m *MM) CheckPrepVMA(r *VMARemap) error { return m.checkPrepVMA(r) }

// RemapType is vrm->remap_type as enum mremap_type numbers it.
func (r *VMARemap) RemapType() int { return int(r.remap) }

// PopulateExpand is vrm->populate_expand: a VM_LOCKED mapping grows.
func (r *VMARemap) PopulateExpand() bool { return r.populateExpand }

// VRMCanExpandInPlace is vrm_can_expand_in_place(): [addr, addr+old_len)
// reaches the VMA's end and the delta after it is free.
func (m *MM) VRMCanExpandInPlace(r *VMARemap) bool {
	v := r.VMA
	return v != nil && uint64(v.end-r.Addr) == r.OldLen && m.vmaExpandable(v, r.Delta)
}

// ExpandVMAInPlace is expand_vma_in_place(): vma_merge_extend() of the
// delta, then vrm_stat_account(); and the mm_populate() do_mremap() runs
// after it for a VM_LOCKED mapping.
func (m *MM) ExpandVMAInPlace(r *VMARemap) error {
	nv := m.VMAMergeExtend(r.VMA, r.Delta)
	if nv == nil {
		return errf("expand_vma_in_place", ENOMEM, "cannot extend")
	}
	r.VMA = nv
	m.vmStatAccount(nv.Flags, int64(r.Delta>>PageShift))
	if r.populateExpand {
		m.populateAfterMremap(r, r.Addr)
	}
	return nil
}

// VRMSetNewAddr is vrm_set_new_addr().
func (m *MM) VRMSetNewAddr(r *VMARemap) error { return m.vrmSetNewAddr(r) }

func (m *MM) populateAfterMremap(r *VMARemap, res Addr) {
	if v := m.VMALookup(res + Addr(r.OldLen)); v != nil {
		_ = m.Populate(v, res+Addr(r.OldLen), res+Addr(r.NewLen))
	}
}

// PrepMoveVMA is prep_move_vma(): the map count check and ->may_split at
// both ends of the moved range.
func (m *MM) PrepMoveVMA(r *VMARemap) error {
	if m.vmas.n >= m.maxMapCount-3 {
		return errf("prep_move_vma", ENOMEM, "too close to max_map_count")
	}
	v := r.VMA
	if v.start != r.Addr {
		if err := m.vmOpsMaySplit(v, r.Addr); err != nil {
			return err
		}
	}
	if v.end != r.Addr+Addr(r.OldLen) {
		if err := m.vmOpsMaySplit(v, r.Addr+Addr(r.OldLen)); err != nil {
			return err
		}
	}
	return nil
}

// CopyVMAForMove is copy_vma() for move_vma: it returns the destination
// VMA, updates r.VMA to the source (another struct if it merged into the
// destination), and says whether move_page_tables must take the rmap
// locks: for a destination merged into an existing VMA whose pgoff is not
// above the source's, rmap may walk the new range before the old one
// (copy_vma: *need_rmap_locks = new_vma->vm_pgoff <= vma->vm_pgoff); a
// fresh VMA is linked after the source in rmap order and needs none.
func (m *MM) CopyVMAForMove(r *VMARemap) (nv *VMA, needRmapLocks bool) {
	v := r.VMA
	pgoff := v.PgoffOf(r.Addr)
	before := m.vmas.n
	nv, src := m.CopyVMA(v, r.NewAddr, r.NewLen, pgoff)
	if nv == nil {
		return nil, false
	}
	r.VMA = src
	merged := m.vmas.n == before
	return nv, merged && nv.pgoff <= src.pgoff
}

// PMDExtent is get_extent(NORMAL_PMD, pmc): the bytes from oldAddr to the
// next PMD boundary of either range, at most up to oldEnd.
func PMDExtent(oldAddr, oldEnd, newAddr Addr) Addr {
	extent := (oldAddr+PMD_SIZE)&^(PMD_SIZE-1) - oldAddr
	extent = min(extent, oldEnd-oldAddr)
	return min(extent, (newAddr+PMD_SIZE)&^(PMD_SIZE-1)-newAddr)
}

// OldPMD is get_old_pmd(): whether addr's PMD entry is populated (a PTE
// table or a huge entry), and whether it is huge (pmd_trans_huge).
func (m *MM) OldPMD(addr Addr) (populated, huge bool) {
	w := m.Walk(addr)
	if w.Huge() {
		return true, true
	}
	return w.Depth == LevelPTE, false
}

// AllocNewPMD is alloc_new_pmd(): the tables down to addr's PMD table.
func (m *MM) AllocNewPMD(addr Addr) (Alloc, error) {
	_, _, a, err := m.allocPMD(addr)
	return a, err
}

// MoveHugePMD is move_huge_pmd() for a PMD-aligned extent whose
// destination PMD entry is empty: the huge entry moves; otherwise the huge
// PMD is split and it reports false.
func (m *MM) MoveHugePMD(oldAddr, newAddr Addr) bool {
	return m.moveHugePMD(oldAddr, newAddr, PMD_SIZE)
}

// PresentPTEs lists the addresses of [start, end) mapped by present PTEs.
func (m *MM) PresentPTEs(start, end Addr) []Addr {
	var out []Addr
	m.forEachPTE(start, end, func(t *PageTable, i int, e PTE) {
		if e.Present() {
			out = append(out, t.base+Addr(i)<<PageShift)
		}
	})
	return out
}

// MoveNormalPMD is move_normal_pmd() between its PMD locks: the PTE table
// under oldAddr's PMD entry moves to newAddr's empty entry (pmd_clear,
// pmd_populate). It reports false when the destination entry is in use or
// the source is no longer a PTE table (racing with collapse).
func (m *MM) MoveNormalPMD(oldAddr, newAddr Addr) bool {
	if m.Walk(oldAddr).Depth != LevelPTE {
		return false
	}
	return m.moveNormalPMD(oldAddr, newAddr)
}

// GetAndClearPTEs is get_and_clear_full_ptes() over the nr entries from
// addr (one PTE table): the entries are cleared and returned; the pages
// keep their counts, since the entries move (move_ptes).
func (m *MM) GetAndClearPTEs(addr Addr, nr int) []PTE {
	out := make([]PTE, nr)
	w := m.Walk(addr)
	t := w.PTETable()
	if t == nil {
		return out
	}
	i0 := t.Index(addr)
	for k := 0; k < nr && i0+k < PTRS_PER_TABLE; k++ {
		e := t.ptes[i0+k]
		if e == 0 {
			continue
		}
		out[k] = e
		m.ptChanged()
		t.ptes[i0+k] = 0
		t.used--
	}
	return out
}

// SetPTEs is set_ptes() of move_ptes(): the entries land from addr on
// (one PTE table, allocated by the caller's pte_alloc). An entry already
// there is kept and reported (VM_WARN_ON_ONCE(!pte_none(*new_ptep))).
func (m *MM) SetPTEs(addr Addr, ptes []PTE) (clobbered int) {
	w := m.Walk(addr)
	t := w.PTETable()
	if t == nil {
		return 0
	}
	i0 := t.Index(addr)
	for k, e := range ptes {
		if e == 0 || i0+k >= PTRS_PER_TABLE {
			continue
		}
		if t.ptes[i0+k] != 0 {
			clobbered++
			continue
		}
		m.ptChanged()
		t.ptes[i0+k] = e
		t.used++
	}
	return clobbered
}

// AllocPTETable is pte_alloc(): the PTE table for addr, with the tables
// above it.
func (m *MM) AllocPTETable(addr Addr) (Alloc, error) {
	_, a, err := m.AllocTables(addr)
	return a, err
}

// PopulateAfterMove is do_mremap()'s mm_populate() of the grown part
// after a move that grew a VM_LOCKED mapping.
func (m *MM) PopulateAfterMove(r *VMARemap) {
	if r.Flags&MREMAP_DONTUNMAP == 0 && r.populateExpand {
		m.populateAfterMremap(r, r.NewAddr)
	}
}

// VMAreaDupForFork is vm_area_dup() into this (the child's) mm: a detached
// copy of the parent's pv with no anon_vma yet (anon_vma_fork gives it
// one), or nil beyond max_map_count.
func (c *MM) VMAreaDupForFork(pv *VMA) *VMA {
	if c.vmas.n >= c.maxMapCount {
		return nil
	}
	nv := c.vmAreaDup(pv)
	nv.anonVMA = nil
	return nv
}

// LinkForkVMA links the child's copy into its tree and its file's i_mmap
// (dup_mmap: vma_interval_tree_insert_after, vma_iter_bulk_store,
// mm->map_count++).
func (c *MM) LinkForkVMA(nv *VMA) {
	nv.Flags &^= VM_LOCKED_MASK
	c.link(nv)
	c.vmStatAccount(nv.Flags, int64(nv.Pages()))
}

// VMANeedsCopy is vma_needs_copy(): whether fork copies the page tables
// of src (a fault could not rebuild them).
func VMANeedsCopy(src *VMA) bool { return vmaNeedsCopy(src) }

// IsCOWMapping is is_cow_mapping(): private and may be written.
func IsCOWMapping(f VMFlags) bool { return isCOWMapping(f) }

// CopyHugePMD is copy_huge_pmd() for src's huge PMD at haddr, if there is
// one, into dst in c; it reports whether it copied one.
func (c *MM) CopyHugePMD(dst, src *VMA, haddr Addr) bool {
	pm := src.mm
	w := pm.Walk(haddr)
	if !w.Huge() {
		return false
	}
	t := w.Tables[LevelPMD]
	i := t.Index(haddr)
	e := t.huge[i]
	if !e.Present() || !dst.Anonymous() {
		return false // a file PMD is refilled on fault
	}
	if isCOWMapping(src.Flags) && e.Writable() {
		e = e.Without(PTEWrite)
		c.ptChanged()
		t.huge[i] = e // pmdp_set_wrprotect on the parent
	}
	dt, di, _, err := c.allocPMD(dst.start + (haddr - src.start))
	if err != nil {
		return false
	}
	c.setHuge(dt, di, e.Without(PTEAccessed))
	return true
}

// CopyPTERange is copy_pte_range() between its two PTE locks for [addr,
// end) of src (one PTE table) into dst in c: as CopyPageRange, each
// present entry is copied with a reference and a mapcount, write-protected
// in both parent and child in a COW mapping (ptep_set_wrprotect), cleaned
// in a shared one, and old. An entry the child has already (a page
// CopyPresentPage copied) is left alone. It returns the entries copied and
// the parent addresses it write-protected.
func (c *MM) CopyPTERange(dst, src *VMA, addr, end Addr) (n int, wrprotected []Addr) {
	pm := src.mm
	cow := isCOWMapping(src.Flags)
	pm.forEachPTE(addr, end, func(t *PageTable, i int, e PTE) {
		a := t.base + Addr(i)<<PageShift
		if dw := c.Walk(dst.start + (a - src.start)); dw.Present() {
			return
		}
		if e.Present() {
			if cow && e.Writable() {
				e = e.Without(PTEWrite)
				c.ptChanged()
				t.ptes[i] = e
				wrprotected = append(wrprotected, a)
			}
			if src.Flags&VM_SHARED != 0 {
				e = e.Without(PTEDirty)
			}
			e = e.Without(PTEAccessed)
		} else if !e.GuardMarker() {
			return
		}
		dw, _, err := c.AllocTables(dst.start + (a - src.start))
		if err != nil {
			return
		}
		dt := dw.Tables[LevelPTE]
		c.setEntry(dt, dt.Index(dw.Addr), e)
		n++
	})
	return n, wrprotected
}

// DupAnonVMA is dup_anon_vma()'s assignment: when src has an anon_vma and
// dst none, dst takes src's (dst->anon_vma = src->anon_vma) and its chain
// (anon_vma_clone). It reports whether it changed dst.
func (m *MM) DupAnonVMA(dst, src *VMA) bool {
	if src.anonVMA == nil || dst.anonVMA != nil {
		return false
	}
	dst.anonVMA = src.anonVMA
	anonVMAClone(dst, src)
	return true
}

// PinnedAnonPages returns the addresses in [addr, end) of src (one PTE
// table) whose entry maps an anonymous page for which pinned says true,
// in a COW mapping: the pages copy_present_ptes() does not share
// (folio_try_dup_anon_rmap_ptes() fails on PageAnonExclusive &&
// folio_needs_cow_for_dma()).
func PinnedAnonPages(src *VMA, addr, end Addr, pinned func(*Page) bool) []Addr {
	if !isCOWMapping(src.Flags) {
		return nil
	}
	var as []Addr
	src.mm.forEachPTE(addr, end, func(t *PageTable, i int, e PTE) {
		if !e.Present() {
			return
		}
		if p := src.mm.mem.Page(e.PFN()); p != nil && !p.zero && p.anon && pinned(p) {
			as = append(as, t.base+Addr(i)<<PageShift)
		}
	})
	return as
}

// CopyPresentPage is copy_present_page() for src's page at addr: the
// child gets a new anonymous page holding what the parent's held, mapped
// dirty (and writable if dst is VM_WRITE), and the parent's entry stays
// as it is, pinned page and all.
func (c *MM) CopyPresentPage(dst, src *VMA, addr Addr) error {
	sw := src.mm.Walk(addr)
	if !sw.Present() || sw.Huge() {
		return nil
	}
	old := src.mm.mem.Page(sw.Entry.PFN())
	daddr := dst.start + (addr - src.start)
	dw, _, err := c.AllocTables(daddr)
	if err != nil {
		return err
	}
	p, err := c.mem.AllocPage()
	if err != nil {
		return err
	}
	c.makeAnon(p, dst, daddr)
	p.data = old != nil && old.data
	flags := PTEAccessed | PTEDirty
	if dst.Flags&VM_WRITE != 0 {
		flags |= PTEWrite // maybe_mkwrite()
	}
	dt := dw.Tables[LevelPTE]
	c.setEntry(dt, dt.Index(daddr), MkPTE(p.PFN, flags))
	_ = p.Put()
	return nil
}
