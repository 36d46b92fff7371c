package runtime

import (
	"slices"
	"testing"

	"github.com/mmscript/mmscript/lang"
)

// A splat's chain (lockdep.chain) is printed and kept after the call,
// and the edge it came from is read again by every later splat that
// crosses it: Chain[i].Path may not share its array with the edge's
// path. With the array shared, a write into a splat's Path, or an append
// to it where the edge's slice has room, changed the edge and so every
// later splat's chain; a change of the edge changed the printed splat.
func TestLockdepChainPathIsACopy(t *testing.T) {
	d := newLockdep()
	a, _ := d.newClass("a")
	b, _ := d.newClass("b")
	path := make([]string, 2, 4) // room to append in place
	path[0], path[1] = "user", "drv.fault"
	d.add(a, b, edgeOrigin{pos: lang.Pos{Filename: "x.mms", Line: 3}, thread: "user", path: path})
	want := []string{"user", "drv.fault"}

	first := d.chain(a, b)
	if len(first) != 1 || !slices.Equal(first[0].Path, want) {
		t.Fatalf("chain = %+v", first)
	}
	first[0].Path[0] = "changed"
	_ = append(first[0].Path, "appended")
	second := d.chain(a, b)
	if !slices.Equal(second[0].Path, want) {
		t.Errorf("a write into a splat's Path reached the edge: the next splat's is %q", second[0].Path)
	}
	if got := path[:3]; got[2] == "appended" {
		t.Errorf("an append to a splat's Path wrote into the edge's array: %q", got)
	}
	path[1] = "other" // the edge's path changes
	if !slices.Equal(second[0].Path, want) {
		t.Errorf("a change of the edge's path reached an earlier splat: %q", second[0].Path)
	}
}
