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
				k, m, v = thpMM(t, addr)
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
			changed := 0
			for pfn, s := range after {
				if b, existed := before[pfn]; existed && b != s {
					changed++
					if !writes(acc, APage, ID(k.Mem.Page(pfn))) {
						t.Errorf("page %#x changed (%+v -> %+v), but the footprint does not write it: %v", pfn, b, s, acc)
					}
				}
			}
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
