package mmcore

import (
	"fmt"
	"strings"
	"testing"
)

// Ports of the kernel's tools/testing/vma unit tests (kernel-vma-fidelity.md
// §5.1): white-box tests of the merge engine with VMAs whose anon_vma,
// close hook and flags the test chooses. Page numbers are relative to the
// probe window, pgoffs are as the kernel tests set them, and flags are
// VM_READ|VM_WRITE|VM_MAYREAD|VM_MAYWRITE unless noted.

const vtFlags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE

// closeOps is a vm_operations_struct with a ->close hook.
type closeOps struct{}

func (closeOps) HasClose() bool { return true }

// vt is one test's address space.
type vt struct {
	t *testing.T
	m *MM
}

func newVT(t *testing.T) *vt { return &vt{t: t, m: newMM(t, 4)} }

// alloc links a VMA [s, e) with pgoff (alloc_and_link_vma).
func (x *vt) alloc(s, e int, pgoff uint64, flags VMFlags) *VMA {
	x.t.Helper()
	v, err := x.m.NewVMA(pg(s), pg(e), flags, nil, pgoff)
	if err != nil {
		x.t.Fatal(err)
	}
	if err := x.m.InsertVMA(v); err != nil {
		x.t.Fatal(err)
	}
	return v
}

// anon gives v an anon_vma of its own (or av, shared).
func (x *vt) anon(v *VMA, av *AnonVMA) *AnonVMA {
	if av == nil {
		av = x.m.anonVMAAlloc()
		av.numChildren++
	}
	v.anonVMA = av
	anonVMAChainLink(v, av)
	av.numActiveVMAs++
	return av
}

// layout is "[s,e)pPGOFF ..." for every VMA.
func (x *vt) layout() string {
	var b []string
	for v := range x.m.VMAs() {
		b = append(b, fmt.Sprintf("[%d,%d)p%d", int(v.Start()-pg(0))>>PageShift, int(v.End()-pg(0))>>PageShift, v.Pgoff()))
	}
	return strings.Join(b, " ")
}

func (x *vt) want(what, want string) {
	x.t.Helper()
	if got := x.layout(); got != want {
		x.t.Errorf("%s: layout %s, want %s", what, got, want)
	}
}

// mergeNew is vma_merge_new_range for [s, e) with pgoff, prev and next
// taken from the tree, as the kernel tests' merge_new() does.
func (x *vt) mergeNew(s, e int, pgoff uint64, flags VMFlags) (*VMA, *VMAMerge) {
	next, prev := x.m.FindVMAPrev(pg(s))
	if next != nil && next.Start() < pg(e) {
		x.t.Fatalf("new range [%d,%d) overlaps %v", s, e, next)
	}
	g := &VMAMerge{Prev: prev, Next: next, Start: pg(s), End: pg(e), Pgoff: pgoff, Flags: flags}
	return x.m.VMAMergeNewRange(g), g
}

// mergeNewOrLink merges a new range or links a new VMA for it.
func (x *vt) mergeNewOrLink(s, e int, pgoff uint64) *VMA {
	x.t.Helper()
	if v, _ := x.mergeNew(s, e, pgoff, vtFlags); v != nil {
		return v
	}
	return x.alloc(s, e, pgoff, vtFlags)
}

// modify is vma_modify_flags on [s, e) of v.
func (x *vt) modify(v *VMA, s, e int, flags VMFlags) (*VMA, *VMAMerge) {
	x.t.Helper()
	prev := x.m.PrevVMA(v)
	if pg(s) > v.Start() {
		prev = v
	}
	nv, g, err := x.m.VMAModify(prev, v, pg(s), pg(e), flags)
	if err != nil {
		x.t.Fatal(err)
	}
	if g.State != VMA_MERGE_SUCCESS {
		nv.Flags = flags
	}
	return nv, g
}

func TestVMATestSimple(t *testing.T) {
	// simple_merge: A [0,1)p0, C [2,3)p2, new [1,2)p1 -> one VMA [0,3) p0
	x := newVT(t)
	x.alloc(0, 1, 0, vtFlags)
	x.alloc(2, 3, 2, vtFlags)
	if v, _ := x.mergeNew(1, 2, 1, vtFlags); v == nil {
		t.Fatal("simple_merge: no merge")
	}
	x.want("simple_merge", "[0,3)p0")

	// simple_modify: change the flags of [1,2) of [0,3): three VMAs, the
	// returned one (the middle) is the original struct
	x = newVT(t)
	v := x.alloc(0, 3, 0, vtFlags)
	nv, g := x.modify(v, 1, 2, VM_READ|VM_MAYREAD)
	if nv != v || g.State != VMA_MERGE_NOMERGE {
		t.Errorf("simple_modify returned %v (state %v), want the original", nv, g.State)
	}
	x.want("simple_modify", "[0,1)p0 [1,2)p1 [2,3)p2")

	// simple_expand / simple_shrink
	x = newVT(t)
	v = x.alloc(0, 1, 0, vtFlags)
	g = &VMAMerge{Target: v, Start: pg(0), End: pg(3), Pgoff: 0, Flags: vtFlags}
	if err := x.m.VMAExpand(g); err != nil {
		t.Fatal(err)
	}
	x.want("simple_expand", "[0,3)p0")
	if err := x.m.VMAShrink(v, pg(0), pg(1), 0); err != nil {
		t.Fatal(err)
	}
	x.want("simple_shrink", "[0,1)p0")
}

func TestVMATestMergeNew(t *testing.T) {
	x := newVT(t)
	a := x.alloc(0, 2, 0, vtFlags)
	x.anon(a, nil)
	b := x.alloc(3, 4, 3, vtFlags)
	bav := x.anon(b, nil)
	x.alloc(0xb, 0xc, 0xb, vtFlags)
	x.alloc(7, 9, 7, vtFlags) // D: no neighbour touches it
	x.want("setup", "[0,2)p0 [3,4)p3 [7,9)p7 [11,12)p11")
	// [2,3) joins A and B: A survives; A and B had different anon_vmas,
	// which forbids the three-way merge, so only A+new
	x.mergeNewOrLink(2, 3, 2)
	if a.AnonVMA() == bav {
		t.Error("A took B's anon_vma although the merge could not include B")
	}
	x.want("A+new (B has another anon_vma)", "[0,3)p0 [3,4)p3 [7,9)p7 [11,12)p11")

	// the upstream sequence, with B sharing A's anon_vma
	x = newVT(t)
	a = x.alloc(0, 2, 0, vtFlags)
	av := x.anon(a, nil)
	b = x.alloc(3, 4, 3, vtFlags)
	x.anon(b, av)
	c := x.alloc(0xb, 0xc, 0xb, vtFlags)
	c.Ops = closeOps{} // a close hook on C while only being prepended to does not block
	x.mergeNewOrLink(7, 9, 7)
	x.want("[7,9) no merge", "[0,2)p0 [3,4)p3 [7,9)p7 [11,12)p11")
	if v := x.mergeNewOrLink(2, 3, 2); v != a || x.m.MapCount() != 3 || a.AnonVMA() != av {
		t.Errorf("[2,3) merges A+B into A: %v", x.layout())
	}
	x.want("A+B", "[0,4)p0 [7,9)p7 [11,12)p11")
	x.mergeNewOrLink(4, 5, 4)
	x.want("extend A", "[0,5)p0 [7,9)p7 [11,12)p11")
	x.mergeNewOrLink(6, 7, 6)
	x.want("prepend D", "[0,5)p0 [6,9)p6 [11,12)p11")
	x.mergeNewOrLink(5, 6, 5)
	x.want("A+D", "[0,9)p0 [11,12)p11")
	x.mergeNewOrLink(0xa, 0xb, 0xa)
	x.want("prepend C", "[0,9)p0 [10,12)p10")
	if v := x.mergeNewOrLink(9, 0xa, 9); v != a {
		t.Errorf("last merge kept %v, want A", v)
	}
	// C has a close hook, so it cannot be deleted: only A grows
	x.want("A+new, C kept (close hook)", "[0,10)p0 [10,12)p10")
}

func TestVMATestSpecialFlags(t *testing.T) {
	for _, special := range []VMFlags{VM_IO, VM_DONTEXPAND, VM_PFNMAP, VM_MIXEDMAP} {
		x := newVT(t)
		f := vtFlags | special
		x.alloc(0, 2, 0, f)
		if v, g := x.mergeNew(2, 3, 2, f); v != nil || g.State != VMA_MERGE_NOMERGE {
			t.Errorf("%v: new range merged", special)
		}
		v := x.alloc(2, 3, 2, f)
		if _, g := x.modify(v, 2, 3, f|VM_DONTDUMP); g.State != VMA_MERGE_NOMERGE {
			t.Errorf("%v: existing range merged", special)
		}
	}
}

func TestVMATestMergeWithClose(t *testing.T) {
	// (1) a new range between prev and next-with-close: only prev grows
	x := newVT(t)
	x.alloc(0, 3, 0, vtFlags)
	n := x.alloc(5, 7, 5, vtFlags)
	n.Ops = closeOps{}
	x.mergeNewOrLink(3, 5, 3)
	x.want("(1) new range, next has close", "[0,5)p0 [5,7)p5")

	// (2) all of a middle-with-close modified to merge left: NOMERGE
	x = newVT(t)
	x.alloc(0, 3, 0, vtFlags)
	mid := x.alloc(3, 5, 3, VM_READ|VM_MAYREAD|VM_MAYWRITE)
	mid.Ops = closeOps{}
	if _, g := x.modify(mid, 3, 5, vtFlags); g.State != VMA_MERGE_NOMERGE {
		t.Errorf("(2) merged: %v", x.layout())
	}
	// (3) the same, merging right
	x = newVT(t)
	mid = x.alloc(3, 5, 3, VM_READ|VM_MAYREAD|VM_MAYWRITE)
	mid.Ops = closeOps{}
	x.alloc(5, 9, 5, vtFlags)
	if _, g := x.modify(mid, 3, 5, vtFlags); g.State != VMA_MERGE_NOMERGE {
		t.Errorf("(3) merged: %v", x.layout())
	}
	// (4) both sides, middle has close: NOMERGE
	x = newVT(t)
	x.alloc(0, 3, 0, vtFlags)
	mid = x.alloc(3, 5, 3, VM_READ|VM_MAYREAD|VM_MAYWRITE)
	mid.Ops = closeOps{}
	x.alloc(5, 9, 5, vtFlags)
	if _, g := x.modify(mid, 3, 5, vtFlags); g.State != VMA_MERGE_NOMERGE {
		t.Errorf("(4) merged: %v", x.layout())
	}
	// (5) both sides, next has close: prev + middle only
	x = newVT(t)
	x.alloc(0, 3, 0, vtFlags)
	mid = x.alloc(3, 5, 3, VM_READ|VM_MAYREAD|VM_MAYWRITE)
	n = x.alloc(5, 9, 5, vtFlags)
	n.Ops = closeOps{}
	if _, g := x.modify(mid, 3, 5, vtFlags); g.State != VMA_MERGE_SUCCESS {
		t.Errorf("(5) no merge")
	}
	x.want("(5) prev+middle", "[0,5)p0 [5,9)p5")

	// vma_merge_new_with_close: prev and next both have close
	x = newVT(t)
	p := x.alloc(0, 2, 0, vtFlags)
	p.Ops = closeOps{}
	n = x.alloc(5, 7, 5, vtFlags)
	n.Ops = closeOps{}
	x.mergeNewOrLink(2, 5, 2)
	x.want("new with close both sides", "[0,5)p0 [5,7)p5")
}

func TestVMATestMergeExisting(t *testing.T) {
	ro := VM_READ | VM_MAYREAD | VM_MAYWRITE
	// right partial: [3,6) middle, modify [5,6) to next's flags
	x := newVT(t)
	mid := x.alloc(3, 6, 3, ro)
	x.alloc(6, 9, 6, vtFlags)
	x.modify(mid, 5, 6, vtFlags)
	x.want("right partial", "[3,5)p3 [5,9)p5")
	// right full
	x = newVT(t)
	mid = x.alloc(2, 6, 2, ro)
	x.alloc(6, 9, 6, vtFlags)
	x.modify(mid, 2, 6, vtFlags)
	x.want("right full", "[2,9)p2")
	// left partial
	x = newVT(t)
	x.alloc(0, 3, 0, vtFlags)
	mid = x.alloc(3, 7, 3, ro)
	x.modify(mid, 3, 6, vtFlags)
	x.want("left partial", "[0,6)p0 [6,7)p6")
	// left full
	x = newVT(t)
	x.alloc(0, 3, 0, vtFlags)
	mid = x.alloc(3, 7, 3, ro)
	x.modify(mid, 3, 7, vtFlags)
	x.want("left full", "[0,7)p0")
	// both
	x = newVT(t)
	x.alloc(0, 3, 0, vtFlags)
	mid = x.alloc(3, 7, 3, ro)
	x.alloc(7, 9, 7, vtFlags)
	x.modify(mid, 3, 7, vtFlags)
	x.want("both", "[0,9)p0")
	// ranges strictly inside the middle never merge
	for _, r := range [][2]int{{4, 5}, {4, 6}, {5, 6}, {4, 7}, {3, 4}, {6, 7}} {
		x = newVT(t)
		x.alloc(0, 3, 0, vtFlags)
		mid = x.alloc(3, 7, 3, ro)
		x.alloc(7, 9, 7, vtFlags)
		_, g := x.modify(mid, r[0], r[1], ro|VM_DONTDUMP)
		if g.State != VMA_MERGE_NOMERGE {
			t.Errorf("inside [%d,%d): %v", r[0], r[1], g.State)
		}
	}
}

func TestVMATestAnonVMANonMergeable(t *testing.T) {
	ro := VM_READ | VM_MAYREAD | VM_MAYWRITE
	// prev and next carry different anon_vmas: modifying the middle merges
	// it with prev only
	x := newVT(t)
	p := x.alloc(0, 3, 0, vtFlags)
	x.anon(p, nil)
	mid := x.alloc(3, 7, 3, ro)
	n := x.alloc(7, 9, 7, vtFlags)
	x.anon(n, nil)
	x.modify(mid, 3, 7, vtFlags)
	x.want("existing", "[0,7)p0 [7,9)p7")
	// the same for a new range in the gap
	x = newVT(t)
	p = x.alloc(0, 3, 0, vtFlags)
	x.anon(p, nil)
	n = x.alloc(7, 9, 7, vtFlags)
	x.anon(n, nil)
	x.mergeNewOrLink(3, 7, 3)
	x.want("new", "[0,7)p0 [7,9)p7")
}

func TestVMATestDupAnonVMA(t *testing.T) {
	// expand over next: the survivor takes next's anon_vma
	x := newVT(t)
	p := x.alloc(0, 3, 0, vtFlags)
	n := x.alloc(3, 5, 3, vtFlags)
	av := x.anon(n, nil)
	g := &VMAMerge{Target: p, Next: n, Start: pg(0), End: pg(5), Pgoff: 0, Flags: vtFlags}
	if err := x.m.VMAExpand(g); err != nil {
		t.Fatal(err)
	}
	if p.AnonVMA() != av || n.Attached() {
		t.Errorf("expand over next: anon_vma %v, next attached %v", p.AnonVMA(), n.Attached())
	}
	// merge both, the anon_vma on next, then on middle
	for _, onNext := range []bool{true, false} {
		x = newVT(t)
		p = x.alloc(0, 3, 0, vtFlags)
		mid := x.alloc(3, 5, 3, VM_READ|VM_MAYREAD|VM_MAYWRITE)
		n = x.alloc(5, 8, 5, vtFlags)
		holder := n
		if !onNext {
			holder = mid
		}
		av = x.anon(holder, nil)
		nv, _ := x.modify(mid, 3, 5, vtFlags)
		if nv != p || p.AnonVMA() != av {
			t.Errorf("merge both (anon_vma on next=%v): survivor %v anon_vma %v", onNext, nv, p.AnonVMA())
		}
		x.want("merge both", "[0,8)p0")
	}
	// merge left partial and right partial: the survivor gets middle's
	x = newVT(t)
	p = x.alloc(0, 3, 0, vtFlags)
	mid := x.alloc(3, 8, 3, VM_READ|VM_MAYREAD|VM_MAYWRITE)
	av = x.anon(mid, nil)
	x.modify(mid, 3, 5, vtFlags)
	if p.AnonVMA() != av {
		t.Error("merge left partial: prev lacks middle's anon_vma")
	}
	x = newVT(t)
	mid = x.alloc(3, 8, 3, VM_READ|VM_MAYREAD|VM_MAYWRITE)
	n = x.alloc(8, 10, 8, vtFlags)
	av = x.anon(mid, nil)
	x.modify(mid, 5, 8, vtFlags)
	if n.AnonVMA() != av || n.Start() != pg(5) || n.Pgoff() != 5 {
		t.Errorf("merge right partial: next %v pgoff %d anon_vma %v", n, n.Pgoff(), n.AnonVMA())
	}
}

func TestVMATestExtendCopyExpandOnly(t *testing.T) {
	// merge_extend: [0,1) and [3,4); extend the first by 2 pages
	x := newVT(t)
	v := x.alloc(0, 1, 0, vtFlags)
	x.alloc(3, 4, 3, vtFlags)
	if nv := x.m.VMAMergeExtend(v, 2*PageSize); nv != v {
		t.Fatalf("merge_extend returned %v", nv)
	}
	x.want("merge_extend", "[0,4)p0")

	// copy_vma: move [3,5) to 0 with no neighbour: a new VMA [0,2) whose
	// pgoff, being unfaulted anonymous memory, is its address >> 12 (p0 in
	// the kernel test, which maps at address 0)
	x = newVT(t)
	v = x.alloc(3, 5, 3, vtFlags)
	nv, _ := x.m.CopyVMA(v, pg(0), 2*PageSize, 0)
	if nv == nil || nv == v || nv.Start() != pg(0) || nv.Pgoff() != uint64(pg(0))>>PageShift {
		t.Fatalf("copy_vma to an empty place: %v", nv)
	}
	// move [0,2) to [4,6) next to [6,8)p6: the copy merges into next
	x = newVT(t)
	v = x.alloc(0, 2, 0, vtFlags)
	x.anon(v, nil) // faulted: keeps pgoff
	next := x.alloc(6, 8, 6, vtFlags)
	nv, _ = x.m.CopyVMA(v, pg(4), 2*PageSize, 4)
	if nv != next || next.Start() != pg(4) || next.Pgoff() != 4 {
		t.Errorf("copy_vma next to [6,8): got %v, want next expanded to [4,8)p4", nv)
	}

	// expand_only_mode: brk-style expand of [3,5) to 9 with an earlier VMA
	x = newVT(t)
	// (brk's pgoff is the address >> 12, and so is this VMA's)
	early := x.alloc(0, 1, 0, vtFlags)
	v = x.alloc(3, 5, uint64(pg(3))>>PageShift, VM_DATA_DEFAULT_FLAGS|VM_ACCOUNT)
	if err := x.m.DoBrkFlags(v, pg(5), 4*PageSize, 0); err != nil {
		t.Fatal(err)
	}
	if v.End() != pg(9) || v.Pgoff() != uint64(pg(3))>>PageShift || early.End() != pg(1) || x.m.MapCount() != 2 {
		t.Errorf("expand_only_mode: %v", x.layout())
	}
}

func TestVMATestMmapRegionBasic(t *testing.T) {
	// mmap_region_basic: 4 mmaps at 0x300000, 0x250000, 0x303000, 0x24d000
	// (3 pages each, pgoff = addr>>12) -> 2 VMAs
	m := newMM(t, 4)
	for _, a := range []Addr{0x300000, 0x250000, 0x303000, 0x24d000} {
		if _, err := m.Mmap(a, 3*PageSize, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0); err != nil {
			t.Fatal(err)
		}
	}
	want := [][2]Addr{{0x24d000, 0x253000}, {0x300000, 0x306000}}
	got := vmaRanges(m)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("mmap_region_basic: %v, want %v", got, want)
	}
	for v := range m.VMAs() {
		if v.Pgoff() != uint64(v.Start())>>PageShift {
			t.Errorf("%v pgoff %#x", v, v.Pgoff())
		}
	}
}
