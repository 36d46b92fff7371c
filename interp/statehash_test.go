package interp

import (
	"testing"
)

// The state cache's hasher, whose walk is compiled (flat struct steps,
// interface and map values read without reflect), gives every hashable
// state of every soundness script and of the perf scenarios exactly the
// fingerprint of the plain walk (field by field, interfaces and maps by
// reflect), and calls the same states unhashable: the compiled walk
// merges no states the plain one keeps apart, and splits none. States are
// taken from random runs, at every turn with a choice.
func TestFingerprintMatchesPlain(t *testing.T) {
	files := append(soundnessScripts(t), "testdata/perf/mmlocks_n3.mms", "testdata/perf/mmlocks_n5.mms")
	seeds := uint64(6)
	if testing.Short() {
		seeds = 2
	}
	var states, hashable int
	for _, f := range files {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		c := newStateCache(newVisitedSet(1 << 20))
		plain := newStateCache(newVisitedSet(1 << 20))
		plain.hasher.Plain()
		bad := 0
		for seed := uint64(1); seed <= seeds; seed++ {
			runStates(p, seed, func(m *Machine, turn int) {
				fp, ok := c.fingerprint(m)
				want, wantOK := plain.fingerprint(m)
				states++
				if ok {
					hashable++
				}
				if ok != wantOK || ok && fp != want {
					bad++
					if bad <= 3 {
						t.Errorf("%s, seed %d, turn %d: fingerprint %#x (hashable %v), the plain walk's %#x (%v)", f, seed, turn, fp, ok, want, wantOK)
					}
				}
			})
		}
	}
	if hashable < states/2 {
		t.Errorf("only %d of %d states hashable: the comparison says little", hashable, states)
	}
	t.Logf("%d states, %d hashable", states, hashable)
}
