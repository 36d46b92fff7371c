package interp

import (
	"maps"
	"slices"
	"testing"
)

// TestBugVariantsFoundFirst: a search hunting a bug (StopAtFirst) finds
// the bug planted in each variant of the perf scenario within a few
// thousand states, and what it finds is the bug the variant's expect line
// names (not some other finding the planted change provoked first).
func TestBugVariantsFoundFirst(t *testing.T) {
	ps := bugVariants(t)
	for _, name := range slices.Sorted(maps.Keys(ps)) {
		p := ps[name]
		res := Explore(p, ExploreOptions{Workers: 1, StopAtFirst: true, MaxStates: 5000})
		if len(res.Findings) == 0 {
			t.Errorf("%s: no finding in %d states (stopped: %q)", name, res.States, res.Stopped)
			continue
		}
		for _, f := range res.Findings {
			expected := false
			for _, e := range p.expects {
				expected = expected || matches(e, f.Diag)
			}
			if !expected {
				t.Errorf("%s: first finding %s is not the planted bug", name, f.Key)
			}
		}
	}
}
