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
