package runtime

import (
	"testing"
	"unsafe"
)

// Slices of one array keep sharing it in the copy when they start at the
// same element; slices at different offsets of one array make the state
// uncopyable rather than copied into two arrays (a later append through
// one would no longer show through the other).
func TestStateClonerSliceAliasing(t *testing.T) {
	type pair struct{ A, B []int }
	arr := []int{1, 2, 3, 4}
	for _, c := range []struct {
		name    string
		p       *pair
		bad     bool
		aliased bool
	}{
		{"one array, same start", &pair{arr[:4], arr[:2]}, false, true},
		{"one array, same start, the longer second", &pair{arr[:2], arr[:4]}, true, false},
		{"one array, different starts", &pair{arr, arr[1:]}, true, false},
		{"one array, the second inside the first's capacity", &pair{arr[:1], arr[2:3]}, true, false},
		{"two arrays", &pair{[]int{1, 2}, []int{3, 4}}, false, false},
	} {
		cl := NewStateCloner()
		cl.Begin()
		cp := cl.Clone(c.p).(*pair)
		if got := cl.Err() != ""; got != c.bad {
			t.Errorf("%s: Err() = %q, want uncopyable %v", c.name, cl.Err(), c.bad)
			continue
		}
		if c.bad {
			continue
		}
		if unsafe.SliceData(cp.A) == unsafe.SliceData(c.p.A) || unsafe.SliceData(cp.B) == unsafe.SliceData(c.p.B) {
			t.Errorf("%s: the copy shares the original's array", c.name)
		}
		if got := unsafe.SliceData(cp.A) == unsafe.SliceData(cp.B); got != c.aliased {
			t.Errorf("%s: the copy's slices share an array: %v, want %v", c.name, got, c.aliased)
		}
	}
}
