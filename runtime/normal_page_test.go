package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// vm_normal_page() and vm_normal_folio(): the page of a present entry,
// nil for a special one (a VM_PFNMAP pfn) or a value that is not
// present; vm_normal_page/unstable-entry when the PTE lock is not held at
// the call (a value read under it and used after it dropped, or never
// read under it).
func TestVMNormalPage(t *testing.T) {
	const addr = 0x100000
	for _, tc := range []struct {
		name    string
		locked  bool // the PTE lock held at the call
		pfnmap  bool // a special entry: a VM_PFNMAP pfn that has a struct page
		zero    bool // a special entry: the zero page of a read fault
		absent  bool // pass -1: no entry
		want    bool // a page returned
		folio   bool
		wantRul []string
	}{
		{name: "under the PTE lock", locked: true, want: true},
		{name: "folio under the PTE lock", locked: true, want: true, folio: true},
		{name: "VM_PFNMAP entry", locked: true, pfnmap: true},
		{name: "zero page", locked: true, zero: true},
		{name: "not present", locked: true, absent: true},
		{name: "after the lock dropped", want: true, wantRul: []string{"vm_normal_page/unstable-entry"}},
		{name: "folio after the lock dropped", want: true, folio: true, wantRul: []string{"vm_normal_page/unstable-entry"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			tk := k.NewTask("t")
			v := mapAnon(t, k, m, addr, 1)
			if tc.pfnmap {
				v.Flags |= mmcore.VM_PFNMAP | mmcore.VM_IO
				pg, err := k.Mem.AllocPage()
				if err != nil {
					t.Fatal(err)
				}
				if err := m.Core.RemapPFNRange(v, addr, pg.PFN, mmcore.PageSize); err != nil {
					t.Fatal(err)
				}
			} else if tc.zero {
				if r, err := m.Core.HandleFault(v, addr, false); err != nil || r.Kind != mmcore.FaultZeroPage {
					t.Fatalf("read fault: %v, %v", r.Kind, err)
				}
			} else if err := m.Core.Populate(v, addr, addr+mmcore.PageSize); err != nil {
				t.Fatal(err)
			}
			do(t, k, tk, "mmap_read_lock", mmV(m))
			pte := do(t, k, tk, "pte_offset_map_lock", mmV(m), addrV(addr))
			val := do(t, k, tk, "ptep_get", pte)
			if tc.absent {
				val = Int(-1)
			}
			if !tc.locked {
				do(t, k, tk, "pte_unmap_unlock", pte)
			}
			name := "vm_normal_page"
			if tc.folio {
				name = "vm_normal_folio"
			}
			got := do(t, k, tk, name, vmaV(v), addrV(addr), val)
			if (got.Obj != nil) != tc.want {
				t.Fatalf("%s = %v, want a page: %v", name, got, tc.want)
			}
			if tc.want {
				p := got.Obj.(*mmcore.Page)
				if want := k.Mem.Page(m.Core.Walk(addr).Entry.PFN()); p != want && p != want.Folio() {
					t.Errorf("%s = pfn %#x, want %#x", name, uint64(p.PFN), uint64(want.PFN))
				}
			}
			if tc.locked {
				do(t, k, tk, "pte_unmap_unlock", pte)
			}
			wantRules(t, k, tc.wantRul...)
		})
	}
}

// folio_get(), folio_put() and folio_try_get(): a reference each; the last
// folio_put() frees the folio, after which folio_get() or folio_put() is
// the debug kernel's VM_BUG_ON, and folio_try_get() fails without a
// finding.
func TestFolioRefs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ops     []string
		tryWant []bool // the answers of the folio_try_get calls, in order
		want    []string
	}{
		{"balanced", []string{"folio_get", "folio_put", "folio_put"}, nil, nil},
		{"try_get on a live folio", []string{"folio_try_get", "folio_put", "folio_put"}, []bool{true}, nil},
		{"try_get after the last put", []string{"folio_put", "folio_try_get"}, []bool{false}, nil},
		{"get after the last put", []string{"folio_put", "folio_get"}, nil, []string{"get_page/freed-page"}},
		{"put after the last put", []string{"folio_put", "folio_put"}, nil, []string{"put_page/freed-page"}},
		{"put_page and folio_put share the count", []string{"get_page", "folio_put", "put_page", "folio_get"}, nil, []string{"get_page/freed-page"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := NewKernel()
			tk := k.NewTask("t")
			p, err := k.Mem.AllocPage()
			if err != nil {
				t.Fatal(err)
			}
			var tries []bool
			for _, op := range tc.ops {
				v := do(t, k, tk, op, pageV(p))
				if op == "folio_try_get" {
					tries = append(tries, v.Truth())
				}
			}
			if len(tries) != len(tc.tryWant) {
				t.Fatalf("folio_try_get answered %v, want %v", tries, tc.tryWant)
			}
			for i := range tries {
				if tries[i] != tc.tryWant[i] {
					t.Fatalf("folio_try_get answered %v, want %v", tries, tc.tryWant)
				}
			}
			wantRules(t, k, tc.want...)
		})
	}
}
