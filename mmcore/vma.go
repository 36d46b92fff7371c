package mmcore

// This file is mm/vma.c's merge engine: vma_merge_new_range (a new range
// joins its neighbours), vma_merge_existing_range and vma_modify (part of a
// VMA changes its attributes), vma_expand, vma_shrink and the rules that
// decide whether two VMAs may become one (Linux 6.18, including the 6.16
// anon_vma rule and the 6.18.y fix for mremap's copied-from VMA).

// VMAMergeState is vma_merge_struct's state.
type VMAMergeState int

// Merge states (enum vma_merge_state).
const (
	VMA_MERGE_START VMAMergeState = iota
	VMA_MERGE_ERROR_NOMEM
	VMA_MERGE_NOMERGE
	VMA_MERGE_SUCCESS
)

func (s VMAMergeState) String() string {
	return [...]string{"VMA_MERGE_START", "VMA_MERGE_ERROR_NOMEM", "VMA_MERGE_NOMERGE", "VMA_MERGE_SUCCESS"}[s]
}

// VMAMerge is a vma_merge_struct: what a merge is asked to do and, after
// it, what it did. For a new range (VMAMergeNewRange) Prev and Next are
// the neighbours of [Start, End) and Middle is nil; for a modification
// (VMAModify) Middle is the VMA being changed and Prev the VMA before it
// (or Middle itself when the range starts inside it). Flags, File, Pgoff
// and AnonVMA describe the proposed range. CopiedFrom is mremap's source
// VMA (vma_merge_copied_range). JustExpand is brk's expand-only mode.
type VMAMerge struct {
	Prev, Middle, Next *VMA
	Start, End         Addr
	Pgoff              uint64
	Flags              VMFlags
	File               *File
	AnonVMA            *AnonVMA
	CopiedFrom         *VMA
	JustExpand         bool
	// UffdCtx is the userfaultfd context of the proposed range
	// (vmg->uffd_ctx): nil for a new mapping (VMG_STATE), the VMA's own
	// for a modification or mremap's copy (VMG_VMA_STATE), the context
	// being registered for vma_modify_flags_uffd().
	UffdCtx any

	// Target is the VMA that survives a successful merge.
	Target *VMA
	State  VMAMergeState
	// Removed lists the VMAs a successful merge deleted (detached), in the
	// order vma_complete frees them.
	Removed []*VMA

	removeMiddle, removeNext           bool
	adjustMiddleStart, adjustNextStart bool
}

// vmaIsForkChild: the VMA has an anon_vma and more than one entry on its
// anon_vma chain, i.e. it was inherited through fork (vma_is_fork_child).
func vmaIsForkChild(v *VMA) bool { return v != nil && v.anonVMA != nil && len(v.chain) != 1 }

// isMergeableVMA compares the proposed range with a neighbour: flags but
// VM_SOFTDIRTY, the same struct file (open file description), the same
// userfaultfd context (is_mergeable_vm_userfaultfd_ctx()), and the
// mempolicy and anon name, which mmcore does not model (they are always
// equal) (is_mergeable_vma).
func (g *VMAMerge) isMergeableVMA(mergeNext bool) bool {
	v := g.Prev
	if mergeNext {
		v = g.Next
	}
	return (v.Flags^g.Flags)&^VM_IGNORE_MERGE == 0 && v.file == g.File && v.UffdCtx == g.UffdCtx
}

// isMergeableAnonVMA is the 6.16+ anon_vma rule (is_mergeable_anon_vma):
// a faulted source may join an unfaulted target (its anon_vma is then
// duplicated into the target) unless the source, or the VMA mremap copies
// from, is a fork child; an unfaulted source may join a faulted target
// unless the target is a fork child; two anon_vmas must be the same one.
func (g *VMAMerge) isMergeableAnonVMA(mergeNext bool) bool {
	tgt := g.Prev
	if mergeNext {
		tgt = g.Next
	}
	tgtAnon, srcAnon := tgt.anonVMA, g.AnonVMA
	switch {
	case tgtAnon == nil && srcAnon != nil:
		return !vmaIsForkChild(g.Middle) && !vmaIsForkChild(g.CopiedFrom)
	case tgtAnon != nil && srcAnon == nil:
		return !vmaIsForkChild(tgt)
	}
	return srcAnon == tgtAnon
}

// canVMAMergeBefore: the range may join Next, in front of it
// (can_vma_merge_before).
func (g *VMAMerge) canVMAMergeBefore() bool {
	pglen := uint64(g.End-g.Start) >> PageShift
	return g.isMergeableVMA(true) && g.isMergeableAnonVMA(true) && g.Next.pgoff == g.Pgoff+pglen
}

// canVMAMergeAfter: the range may join Prev, behind it
// (can_vma_merge_after).
func (g *VMAMerge) canVMAMergeAfter() bool {
	return g.isMergeableVMA(false) && g.isMergeableAnonVMA(false) && g.Prev.pgoff+g.Prev.Pages() == g.Pgoff
}

func (g *VMAMerge) canVMAMergeLeft() bool {
	return g.Prev != nil && g.Prev.end == g.Start && g.canVMAMergeAfter()
}

// canVMAMergeRight also checks, when the range joins both sides, that
// prev's and next's anon_vmas are compatible with each other.
func (g *VMAMerge) canVMAMergeRight(canMergeLeft bool) bool {
	next := g.Next
	if next == nil || g.End != next.start || !g.canVMAMergeBefore() {
		return false
	}
	if !canMergeLeft {
		return true
	}
	prev := g.Prev
	return prev.anonVMA == nil || next.anonVMA == nil || prev.anonVMA == next.anonVMA
}

// canMergeRemoveVMA: a merge may delete only VMAs without vm_ops->close.
func canMergeRemoveVMA(v *VMA) bool { return !vmaHasClose(v) }

// dupAnonVMA gives dst src's anon_vma chain when dst has none
// (dup_anon_vma): the surviving VMA must reach the anonymous pages of the
// range it absorbs.
func dupAnonVMA(dst, src *VMA) {
	if src.anonVMA != nil && dst.anonVMA == nil {
		dst.anonVMA = src.anonVMA
		anonVMAClone(dst, src)
	}
}

// commitMerge applies a decided merge (commit_merge + vma_complete): the
// target (or, when next's start moves, middle) takes [Start, End) and
// Pgoff, the adjusted neighbour's start moves to End, and the VMAs being
// removed are detached and unlinked from the rmap.
func (m *MM) commitMerge(g *VMAMerge) {
	v := g.Target
	if g.adjustNextStart {
		v = g.Middle
	}
	var removed []*VMA
	if g.removeMiddle {
		removed = append(removed, g.Middle)
	}
	if g.removeNext {
		removed = append(removed, g.Next)
	}
	// take the removed VMAs out of the tree first, so it never overlaps
	for _, r := range removed {
		m.treeRemove(r)
	}
	m.setRange(v, g.Start, g.End, g.Pgoff)
	switch {
	case g.adjustMiddleStart:
		a := g.Middle
		m.setRange(a, g.End, a.end, a.pgoff+uint64(g.End-a.start)>>PageShift)
	case g.adjustNextStart:
		a := g.Next
		m.setRange(a, g.End, a.end, a.pgoff-uint64(a.start-g.End)>>PageShift)
	}
	for _, r := range removed {
		r.attached = false
		if r.file != nil {
			r.file.mapping.imapRemove(r)
		}
		unlinkAnonVMAs(r)
	}
	g.Removed = append(g.Removed, removed...)
}

// vmaMergeExistingRange tries to merge [Start, End) of Middle, whose
// attributes are changing to Flags, with Prev and/or Next
// (vma_merge_existing_range). It returns the merged VMA or nil. A range
// touching neither end of Middle never merges; a VMA with a close hook is
// never deleted (the merge is abandoned, or reduced to prev+middle when it
// is next).
func (m *MM) vmaMergeExistingRange(g *VMAMerge) *VMA {
	middle, prev := g.Middle, g.Prev
	start, end := g.Start, g.End
	leftSide := start == middle.start
	rightSide := end == middle.end
	g.State = VMA_MERGE_NOMERGE
	if g.Flags&VM_SPECIAL != 0 || (!leftSide && !rightSide) {
		return nil
	}
	mergeLeft := leftSide && g.canVMAMergeLeft()
	var next *VMA
	mergeRight := false
	if rightSide {
		next = m.NextVMA(middle)
		g.Next = next
		mergeRight = g.canVMAMergeRight(mergeLeft)
	}
	if !mergeLeft && !mergeRight {
		return nil
	}
	mergeBoth := mergeLeft && mergeRight
	sticky := g.Flags & VM_STICKY
	g.removeMiddle = leftSide && rightSide
	if g.removeMiddle && !canMergeRemoveVMA(middle) {
		return nil
	}
	g.removeNext = mergeBoth
	if g.removeNext && !canMergeRemoveVMA(next) {
		g.removeNext = false
		mergeRight, mergeBoth = false, false
	}
	if mergeRight {
		g.Target = next
		sticky |= next.Flags & VM_STICKY
	}
	if mergeLeft {
		g.Target = prev
		sticky |= prev.Flags & VM_STICKY
	}
	switch {
	case mergeBoth:
		// prev extends over middle and next, which are deleted
		g.Start, g.End, g.Pgoff = prev.start, next.end, prev.pgoff
		src := middle
		if next.anonVMA != nil {
			src = next
		}
		dupAnonVMA(prev, src)
	case mergeLeft:
		// prev extends over [start, end); middle shrinks or is deleted
		g.Start, g.Pgoff = prev.start, prev.pgoff
		if !g.removeMiddle {
			g.adjustMiddleStart = true
		}
		dupAnonVMA(prev, middle)
	default:
		// next extends down over [start, end); middle shrinks or is deleted
		pglen := uint64(g.End-g.Start) >> PageShift
		if g.removeMiddle {
			g.End, g.Pgoff = next.end, next.pgoff-pglen
		} else {
			g.adjustNextStart = true
			g.Start, g.End, g.Pgoff = middle.start, start, middle.pgoff
		}
		dupAnonVMA(next, middle)
	}
	m.commitMerge(g)
	g.Target.Flags |= sticky
	g.State = VMA_MERGE_SUCCESS
	return g.Target
}

// VMAMergeNewRange tries to merge the new range [Start, End) described by
// g with its neighbours Prev and Next (vma_merge_new_range): prev expands
// (and absorbs next when both are compatible and next has no close hook),
// or next expands downwards. It returns the expanded VMA or nil (State
// tells NOMERGE). VM_SPECIAL ranges never merge. The caller must have
// made [Start, End) free and set Prev and Next.
func (m *MM) VMAMergeNewRange(g *VMAMerge) *VMA {
	prev, next, end := g.Prev, g.Next, g.End
	g.State = VMA_MERGE_NOMERGE
	if g.Flags&VM_SPECIAL != 0 || (prev == nil && next == nil) {
		return nil
	}
	canMergeLeft := g.canVMAMergeLeft()
	canMergeRight := !g.JustExpand && g.canVMAMergeRight(canMergeLeft)
	if canMergeRight {
		g.End = next.end
		g.Target = next
	}
	if canMergeLeft {
		g.Start = prev.start
		g.Target = prev
		g.Pgoff = prev.pgoff
		if canMergeRight && !canMergeRemoveVMA(next) {
			g.End = end
		}
	}
	if g.Target != nil && m.VMAExpand(g) == nil {
		g.State = VMA_MERGE_SUCCESS
		return g.Target
	}
	return nil
}

// VMAExpand grows g.Target to [Start, End) (vma_expand), absorbing g.Next
// when End reaches next's end, and taking over the anon_vma of the VMA it
// absorbs or, for mremap, of the VMA it copies from.
func (m *MM) VMAExpand(g *VMAMerge) error {
	target, next := g.Target, g.Next
	if target == nil || target.start < g.Start || target.end > g.End {
		return errf("vma_expand", EINVAL, "target does not lie inside the expanded range")
	}
	removeNext := next != nil && target != next && g.End == next.end
	sticky := g.Flags&VM_STICKY | target.Flags&VM_STICKY
	if removeNext {
		sticky |= next.Flags & VM_STICKY
		dupAnonVMA(target, next)
	}
	if g.CopiedFrom != nil {
		dupAnonVMA(target, g.CopiedFrom)
	}
	g.removeNext = removeNext
	m.commitMerge(g)
	target.Flags |= sticky
	return nil
}

// VMAShrink shrinks v to [start, end), which must share one end with it
// (vma_shrink). Page tables are the caller's (mremap and exec shrink after
// moving or zapping them).
func (m *MM) VMAShrink(v *VMA, start, end Addr, pgoff uint64) error {
	switch {
	case v == nil || v.mm != m || !v.linked:
		return errf("vma_shrink", EINVAL, "VMA not attached to this mm")
	case start < v.start || end > v.end || start >= end || (start != v.start && end != v.end):
		return errf("vma_shrink", EINVAL, "not a shrink of the VMA at one end")
	}
	m.setRange(v, start, end, pgoff)
	return nil
}

// VMAModify prepares [start, end) of v, whose attributes change to flags,
// for the change (vma_modify): it first tries vma_merge_existing_range with
// the neighbours; failing that it splits v so that v itself covers exactly
// [start, end) (the start split with new_below, so the original struct is
// the modified piece). It returns the VMA that now covers the range (the
// merged one, or v) and whether a merge happened, in which case the
// merged-away VMAs are in merged.Removed. prev is the VMA before v (nil at
// the bottom), or v itself when start lies inside v.
//
// Errors: ENOMEM when a split would exceed max_map_count, a MaySplit error.
func (m *MM) VMAModify(prev, v *VMA, start, end Addr, flags VMFlags) (*VMA, *VMAMerge, error) {
	return m.vmaModify(prev, v, start, end, flags, v.UffdCtx)
}

// vmaModify is VMAModify with the userfaultfd context the range gets
// (vma_modify_flags_uffd() passes the one being registered).
func (m *MM) vmaModify(prev, v *VMA, start, end Addr, flags VMFlags, uffdCtx any) (*VMA, *VMAMerge, error) {
	g := &VMAMerge{Prev: prev, Middle: v, Start: start, End: end, Flags: flags,
		File: v.file, AnonVMA: v.anonVMA, Pgoff: v.PgoffOf(start), UffdCtx: uffdCtx}
	if merged := m.vmaMergeExistingRange(g); merged != nil {
		return merged, g, nil
	}
	if v.start < start {
		if _, err := m.SplitVMA(v, start, true); err != nil {
			return nil, g, err
		}
	}
	if v.end > end {
		if _, err := m.SplitVMA(v, end, false); err != nil {
			return nil, g, err
		}
	}
	return v, g, nil
}

// VMAModifyFlags is vma_modify_flags followed by the flag update the
// callers do (mprotect_fixup, madvise_update_vma, mlock_fixup): the VMA
// covering [start, end) afterwards has exactly flags. It returns that VMA.
// The splits' new pieces, which the caller must ->open, are the VMAs at
// start-1 and end that did not exist before.
func (m *MM) VMAModifyFlags(prev, v *VMA, start, end Addr, flags VMFlags) (*VMA, error) {
	return m.VMAModifyFlagsUffd(prev, v, start, end, flags, v.UffdCtx)
}

// VMAModifyFlagsUffd is vma_modify_flags_uffd() (mm/vma.c), which
// userfaultfd_register_range() and userfaultfd_clear_vma() call: as
// VMAModifyFlags, but the range merges only with neighbours registered
// with uffdCtx, the context it is getting. The VMA it returns keeps its
// own context: the caller sets the new one (userfaultfd_set_ctx()).
func (m *MM) VMAModifyFlagsUffd(prev, v *VMA, start, end Addr, flags VMFlags, uffdCtx any) (*VMA, error) {
	old := v.Flags
	nv, g, err := m.vmaModify(prev, v, start, end, flags, uffdCtx)
	if err != nil {
		return nil, err
	}
	m.vmStatAccount(old, -int64(uint64(end-start)>>PageShift))
	if g.State == VMA_MERGE_SUCCESS {
		flags = nv.Flags // the sticky flags the merge kept
	}
	nv.Flags = flags
	m.vmStatAccount(nv.Flags, int64(uint64(end-start)>>PageShift))
	return nv, nil
}
