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
		{Access{ALock, false, 1}, Access{ALock, false, 1}, false},
		{Access{ALock, true, 1}, Access{ALock, false, 1}, true},
		{Access{ALock, true, 1}, Access{ALock, true, 2}, false},
		{Access{APage, true, AllObjects}, Access{APage, false, 7}, true},
		{Access{APage, true, 7}, Access{ATLB, true, 7}, false},
		{Access{AWorld, true, 0}, Access{AMM, false, 3}, true},
		{Access{AWorld, true, 0}, Access{ATask, true, 3}, false},
		{Access{AGlobal, true, 0}, Access{AWorld, true, 0}, false},
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
