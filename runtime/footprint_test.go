package runtime

import "testing"

// Every operation declares its footprint: the explorer's reduction relies
// on it, and an undeclared one would be searched as touching everything.
func TestEveryOpDeclaresFootprint(t *testing.T) {
	for _, name := range OpNames() {
		if LookupOp(name).Touches == nil {
			t.Errorf("%s: no footprint: set Op.Touches in its defOp or add it to opFootprints (footprint.go)", name)
		}
	}
	for name := range opFootprints {
		if LookupOp(name) == nil {
			t.Errorf("opFootprints declares %s, which is no operation", name)
		}
	}
}

func TestAccessConflicts(t *testing.T) {
	cases := []struct {
		a, b Access
		want bool
	}{
		{Access{Kind: ALock, Obj: 1}, Access{Kind: ALock, Obj: 1}, false},
		{Access{Kind: ALock, Write: true, Obj: 1}, Access{Kind: ALock, Obj: 1}, true},
		{Access{Kind: ALock, Write: true, Obj: 1}, Access{Kind: ALock, Write: true, Obj: 2}, false},
		{Access{Kind: APage, Write: true, Obj: AllObjects}, Access{Kind: APage, Obj: 7}, true},
		{Access{Kind: APage, Write: true, Obj: 7}, Access{Kind: ATLB, Write: true, Obj: 7}, false},
		{Access{Kind: AWorld, Write: true}, Access{Kind: AMM, Obj: 3}, true},
		{Access{Kind: AWorld, Write: true}, Access{Kind: ATask, Write: true, Obj: 3}, false},
		{Access{Kind: AGlobal, Write: true}, Access{Kind: AWorld, Write: true}, false},
		{Access{Kind: ALock, Obj: 1, Shared: true}, Access{Kind: ALock, Obj: 1, Shared: true}, false},
		{Access{Kind: ALock, Obj: 1, Shared: true}, Access{Kind: ALock, Obj: 1}, false},
		{Access{Kind: ALock, Obj: 1, Shared: true}, Access{Kind: ALock, Obj: 1, Observe: true}, true},
		{Access{Kind: ALock, Obj: 1, Observe: true}, Access{Kind: ALock, Obj: 1}, false},
		{Access{Kind: ALock, Obj: 1, Shared: true}, Access{Kind: ALock, Obj: 1, Write: true}, true},
	}
	for _, c := range cases {
		if got := c.a.Conflicts(c.b); got != c.want {
			t.Errorf("%v vs %v: %v", c.a, c.b, got)
		}
		if got := c.b.Conflicts(c.a); got != c.want {
			t.Errorf("%v vs %v: %v (not symmetric)", c.b, c.a, got)
		}
	}
}

// The hardware walk's accessed/dirty update (PTEYoung) and TLB fill
// (TLBOwnCPU) commute with each other and with reads of what the tables
// map, and with nothing that reads entries whole or changes them: a step
// that compares a PTE it read earlier (vmf.orig_pte, GUP-fast's re-check)
// sees the accessed bit.
func TestHardwareWalkFootprint(t *testing.T) {
	_, m := newMM(t)
	rec := func(fn func(f *Footprint)) []Access {
		f := NewFootprint()
		fn(f)
		return f.Acc
	}
	walk := rec(func(f *Footprint) { f.PTEYoung(m.Core); f.TLBOwnCPU(m.Core) })
	for _, c := range []struct {
		name string
		acc  []Access
		dep  bool
	}{
		{"another CPU's walk", walk, false},
		{"a page walk's PFNs (PTEMappings)", rec(func(f *Footprint) { f.PTEMappings(m.Core) }), false},
		{"a whole-entry read (ptep_get)", rec(func(f *Footprint) { f.PTEs(m.Core, false) }), true},
		{"a PTE change", rec(func(f *Footprint) { f.PTEs(m.Core, true) }), true},
		{"a TLB flush", rec(func(f *Footprint) { f.TLB(m.Core, true) }), true},
	} {
		if got := Dependent(walk, c.acc); got != c.dep {
			t.Errorf("hardware walk against %s: dependent %v, want %v", c.name, got, c.dep)
		}
	}
}
