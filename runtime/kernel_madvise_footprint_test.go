package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// madvise_vma_behavior's footprint for MADV_DONTNEED and MADV_FREE is a
// zap's (madviseVMABehaviorTouches): each case runs the step over two of
// four faulted pages and requires that every page it changed is written
// by the footprint taken before it, that the step commutes with a change
// of a page and of an entry outside the range, and that what it cannot
// name (a large folio MADV_FREE may split, a behaviour that changes the
// VMA) makes it depend on everything.
func TestMadviseVMABehaviorTouches(t *testing.T) {
	const addr = 0x200000
	for _, c := range []struct {
		name    string
		advice  mmcore.Advice
		thp     bool // the range maps part of a THP, PTE-mapped
		precise bool
	}{
		{"MADV_DONTNEED", mmcore.MADV_DONTNEED, false, true},
		{"MADV_FREE", mmcore.MADV_FREE, false, true},
		{"MADV_DONTNEED of part of a large folio", mmcore.MADV_DONTNEED, true, true},
		{"MADV_FREE of part of a large folio (split_folio)", mmcore.MADV_FREE, true, false},
		{"MADV_DONTFORK (madvise_update_vma)", mmcore.MADV_DONTFORK, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var k *Kernel
			var m *MM
			var v *mmcore.VMA
			if c.thp {
				k, m, _ = thpMM(t, addr)
				m.Core.SplitHugePMD(addr)
				v = m.Core.FindVMA(addr)
			} else {
				k, m = newMM(t)
				v = mapAnon(t, k, m, addr, 4)
				for i := range 4 {
					if _, err := m.Core.HandleFault(v, addr+mmcore.Addr(i)*mmcore.PageSize, true); err != nil {
						t.Fatal(err)
					}
				}
			}
			outside := k.Mem.Page(m.Core.Walk(addr + 3*mmcore.PageSize).Entry.PFN())
			tk := k.NewTask("madvise")
			do(t, k, tk, "mmap_read_lock", mmV(m))
			before := pageStates(k)
			acc := stepAcc(t, k, tk, "madvise_vma_behavior", mmV(m), Nil, vmaV(v), vmaV(v), addrV(addr), addrV(addr+2*mmcore.PageSize), Int(int64(c.advice)))
			after := pageStates(k)
			changed := requireWritesOfChangedPages(t, k, acc, before, after)
			if changed == 0 && c.advice != mmcore.MADV_DONTFORK {
				t.Errorf("no page changed: the case tests nothing")
			}
			page, entry := NewFootprint(), NewFootprint()
			if c.thp {
				// another THP's page: the folio's own pages are its
				p, err := k.Mem.AllocPage()
				if err != nil {
					t.Fatal(err)
				}
				outside = p
			}
			page.Page(outside, true)
			entry.PTEAt(m.Core, addr+3*mmcore.PageSize, true)
			for _, o := range []struct {
				what string
				acc  []Access
			}{{"a change of a page outside the range", page.Acc}, {"a change of an entry outside the range", entry.Acc}} {
				if got := Dependent(acc, o.acc); got == c.precise {
					t.Errorf("dependent on %s: %v, want %v (%v)", o.what, got, !c.precise, acc)
				}
			}
		})
	}
}

// folio_maybe_mapped_shared() reads: for a small folio its mapcount (the
// page), which a zap of a mapping of it writes and a change of another
// page does not; for a large one every page (an entry that starts or
// stops mapping a page of it writes that page).
func TestFolioMaybeMappedSharedTouches(t *testing.T) {
	k, m := newMM(t)
	v := mapAnon(t, k, m, 0x100000, 2)
	for _, a := range []mmcore.Addr{0x100000, 0x101000} {
		if _, err := m.Core.HandleFault(v, a, true); err != nil {
			t.Fatal(err)
		}
	}
	p := k.Mem.Page(m.Core.Walk(0x100000).Entry.PFN())
	other := k.Mem.Page(m.Core.Walk(0x101000).Entry.PFN())
	acc := stepAcc(t, k, k.NewTask("a"), "folio_maybe_mapped_shared", pageV(p))
	zap, change := NewFootprint(), NewFootprint()
	zap.ZappedPages(m.Core, 0x100000, 0x101000)
	change.Page(other, true)
	if !Dependent(acc, zap.Acc) {
		t.Errorf("independent of a zap of its mapping: %v", acc)
	}
	if Dependent(acc, change.Acc) {
		t.Errorf("dependent on a change of another page: %v", acc)
	}

	k2, m2, _ := thpMM(t, 0x200000)
	head := m2.Core.Memory().Page(m2.Core.Walk(0x200000).Entry.PFN()).Folio()
	acc = stepAcc(t, k2, k2.NewTask("a"), "folio_maybe_mapped_shared", pageV(head))
	if !Dependent(acc, change.Acc) {
		t.Errorf("a large folio's answer is independent of a change of a page: %v", acc)
	}
}
