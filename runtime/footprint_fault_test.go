package runtime

import (
	"fmt"
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// pageState is what a step can change of a page.
type pageState struct {
	ref, mapcount, order     int
	freed, dirty, anon, data bool
	anonVMA                  *mmcore.AnonVMA
	index                    uint64
	mapping                  *mmcore.AddressSpace
}

// pageStates snapshots every page of k's memory by PFN. The reference
// count is the folio's (Page.Refcount), kept with its head page, which
// footprints name for the folio (Footprint.PageAndFolio).
func pageStates(k *Kernel) map[mmcore.PFN]pageState {
	s := map[mmcore.PFN]pageState{}
	for pfn := mmcore.PFN(0); pfn < 1<<14; pfn++ {
		if p := k.Mem.Page(pfn); p != nil {
			ps := pageState{0, p.Mapcount(), p.Order(), p.Freed(), p.Dirty(), p.Anon(), p.HasData(), p.AnonVMA(), p.Index(), p.Mapping()}
			if p.Folio() == p {
				ps.ref = p.Refcount()
			}
			s[pfn] = ps
		}
	}
	return s
}

// requireWritesOfChangedPages fails t for every page that changed from
// before to after and that acc, the footprint of the step in between,
// does not write, and for a page the step allocated without an Alloc in
// acc. It returns how many pages that existed before changed.
func requireWritesOfChangedPages(t *testing.T, k *Kernel, acc []Access, before, after map[mmcore.PFN]pageState) int {
	t.Helper()
	changed := 0
	for pfn, s := range after {
		b, existed := before[pfn]
		switch {
		case !existed:
			if !writes(acc, AAlloc, 0) {
				t.Errorf("page %#x was allocated, but the footprint has no Alloc: %v", pfn, acc)
			}
		case b != s:
			changed++
			if !writes(acc, APage, ID(k.Mem.Page(pfn))) {
				t.Errorf("page %#x changed (%+v -> %+v), but the footprint does not write it: %v", pfn, b, s, acc)
			}
		}
	}
	return changed
}

// writes reports whether acc writes object id of kind, or every object of it.
func writes(acc []Access, kind AccessKind, id uint32) bool {
	for _, a := range acc {
		if a.Kind == AWorld || a.Kind == kind && a.Write && (a.Obj == id || a.Obj == AllObjects) {
			return true
		}
	}
	return false
}

// set_ptes_locked's footprint names the pages of an anonymous fault
// (setPtesLockedTouches) instead of every page: each case runs the step
// and requires that every page it changed is written by the footprint
// taken before it, a page it made comes from the allocator (Alloc), and a
// VMA it gave an anon_vma is written. A fault on a none entry must leave
// the other pages alone (commute with a change of an unrelated page); a
// COW must name the page it copies from, which loses a mapping.
func TestSetPtesLockedTouchesThePagesItChanges(t *testing.T) {
	for _, c := range []struct {
		name        string
		flags       string
		prepare     bool                                 // vmf_anon_prepare first
		setup       func(t *testing.T, k *Kernel, m *MM) // before the fault
		allPages    bool                                 // the footprint may write every page
		changesPage bool                                 // a page that existed before changes
	}{
		{name: "read fault on a none entry (the zero page)", flags: "read"},
		{name: "write fault on a none entry", flags: "write", prepare: true},
		{name: "write fault on a none entry without an anon_vma", flags: "write"},
		{name: "write fault on the zero page", flags: "write", prepare: true, setup: func(t *testing.T, k *Kernel, m *MM) {
			if _, err := m.Core.HandleFault(m.Core.FindVMA(0x100000), 0x100000, false); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "write fault on a page shared with a fork child (wp_page_copy)", flags: "write", prepare: true, changesPage: true,
			setup: func(t *testing.T, k *Kernel, m *MM) {
				if _, err := m.Core.HandleFault(m.Core.FindVMA(0x100000), 0x100000, true); err != nil {
					t.Fatal(err)
				}
				if _, _, err := m.Core.Fork(); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "write fault on an exclusive read-only page (reuse)", flags: "write", prepare: true, changesPage: true,
			setup: func(t *testing.T, k *Kernel, m *MM) {
				v := m.Core.FindVMA(0x100000)
				if _, err := m.Core.HandleFault(v, 0x100000, true); err != nil {
					t.Fatal(err)
				}
				// fork write-protects the PTE; the child's exit leaves
				// the page exclusive again
				child, _, err := m.Core.Fork()
				if err != nil {
					t.Fatal(err)
				}
				child.ExitMMap()
				// written back: the reuse dirties it again
				k.Mem.Page(m.Core.Walk(0x100000).Entry.PFN()).TestClearDirty()
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			k, m := newMM(t)
			v := mapAnon(t, k, m, 0x100000, 4)
			other, _ := k.Mem.AllocPage() // a page nobody maps
			if c.setup != nil {
				c.setup(t, k, m)
				v = m.Core.FindVMA(0x100000)
			}
			tk := k.NewTask("a")
			do(t, k, tk, "mmap_read_lock", mmV(m))
			vmf := do(t, k, tk, "sanitize_fault_flags", vmaV(v), addrV(0x100000), Word(c.flags))
			do(t, k, tk, "pte_alloc", mmV(m), addrV(0x100000)) // do_anonymous_page's
			if c.prepare {
				do(t, k, tk, "vmf_anon_prepare", vmf)
			}
			hadAnonVMA := v.AnonVMA() != nil
			before, pte := pageStates(k), m.Core.Walk(0x100000).Entry
			acc := stepAcc(t, k, tk, "set_ptes_locked", vmf)
			after := pageStates(k)
			if e := m.Core.Walk(0x100000).Entry; e == pte || !e.Present() {
				t.Fatalf("the fault did not change the PTE: %v -> %v", pte, e)
			}

			changed := requireWritesOfChangedPages(t, k, acc, before, after)
			if (changed > 0) != c.changesPage {
				t.Errorf("%d pages that existed before changed, want changes %v", changed, c.changesPage)
			}
			if !hadAnonVMA && v.AnonVMA() != nil && !writes(acc, AMM, ID(m.Core)) {
				t.Errorf("the step gave the VMA an anon_vma, but the footprint does not write the mm: %v", acc)
			}
			f := NewFootprint()
			f.Page(other, true)
			if Dependent(acc, f.Acc) {
				t.Errorf("the step depends on a change of a page it does not touch: %v", acc)
			}
		})
	}
}

// vmf_anon_prepare writes the VMA only when it has no anon_vma yet; with
// one it only reads it, so it commutes with another read of the VMA and
// not with a change of it.
func TestVmfAnonPrepareTouches(t *testing.T) {
	for _, first := range []bool{false, true} {
		t.Run(fmt.Sprint("anon_vma before: ", first), func(t *testing.T) {
			k, m := newMM(t)
			v := mapAnon(t, k, m, 0x100000, 1)
			if first {
				m.Core.PrepareAnonVMA(v)
			}
			tk := k.NewTask("a")
			do(t, k, tk, "mmap_read_lock", mmV(m))
			vmf := do(t, k, tk, "sanitize_fault_flags", vmaV(v), addrV(0x100000), Word("write"))
			acc := stepAcc(t, k, tk, "vmf_anon_prepare", vmf)
			if v.AnonVMA() == nil {
				t.Fatal("vmf_anon_prepare left the VMA without an anon_vma")
			}
			read, write := NewFootprint(), NewFootprint()
			read.MM(m.Core, false)
			write.MM(m.Core, true)
			if got := Dependent(acc, read.Acc); got == first {
				t.Errorf("dependent on a read of the VMA: %v, want %v (%v)", got, !first, acc)
			}
			if !Dependent(acc, write.Acc) {
				t.Errorf("independent of a change of the VMA: %v", acc)
			}
		})
	}
}

// A fault step that gives its VMA an anon_vma (a script that skipped
// vmf_anon_prepare) writes the VMA: __do_huge_pmd_anonymous_page's new
// THP, as set_ptes_locked's page (TestSetPtesLockedTouchesThePagesItChanges).
func TestHugeFaultStepPreparesAnonVMA(t *testing.T) {
	k, m := newMM(t)
	v := mapVMA(t, k, m, 0x200000, mmcore.HPAGE_PMD_NR, mmcore.MAP_PRIVATE|mmcore.MAP_ANONYMOUS, nil, "hugepage")
	tk := k.NewTask("a")
	do(t, k, tk, "mmap_read_lock", mmV(m))
	vmf := do(t, k, tk, "sanitize_fault_flags", vmaV(v), addrV(0x200000), Word("write"))
	acc := stepAcc(t, k, tk, "__do_huge_pmd_anonymous_page", vmf)
	if v.AnonVMA() == nil || !m.Core.Walk(0x200000).Huge() {
		t.Fatalf("no THP with an anon_vma after the step (anon_vma %v)", v.AnonVMA())
	}
	if !writes(acc, AMM, ID(m.Core)) {
		t.Errorf("the step gave the VMA an anon_vma, but the footprint does not write the mm: %v", acc)
	}
}
