package interp

import (
	"path/filepath"
	"strings"
	"testing"
)

// Bounded DPOR finds exactly what the naive bounded search finds, for
// bounds 0 and 1 (and 2 on every fourth script), on every example and test script small enough for
// the naive one, and explores fewer executions in all. Without the
// conservative backtrack points (explore_bounded.go) it misses findings
// here: three_way_deadlock's deadlock within 1 preemption, the
// use-after-unmap of munmap_after_stale_vma_write_lock within 0.
func TestBoundedReductionIsSound(t *testing.T) {
	if testing.Short() {
		t.Skip("the naive bounded searches take a while")
	}
	n := 0
	var naiveExecs, boundedExecs int64
	for fi, f := range soundnessScripts(t) {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		for k := range 3 {
			if k == 2 && fi%4 != 0 {
				continue // bound 2 on every fourth script: the test's time
			}
			naive := Explore(p, ExploreOptions{Naive: true, Bounded: true, Preemptions: k, MaxStates: min(soundnessStates(), 3_000)})
			if !naive.Complete {
				continue
			}
			n++
			// Bound 1 with the whole tree as one task, the others split.
			o := ExploreOptions{Bounded: true, Preemptions: k}
			if k == 1 {
				o.splitTasks = 1
			}
			{
				red := Explore(p, o)
				if !red.Complete || !red.Bounded || red.Bound != k {
					t.Errorf("%s (bound %d, split %d): complete=%v bounded=%v bound=%d", filepath.Base(f), k, o.splitTasks, red.Complete, red.Bounded, red.Bound)
					continue
				}
				a, b := findingKeys(naive), findingKeys(red)
				if strings.Join(a, "\n") != strings.Join(b, "\n") {
					t.Errorf("%s (bound %d, split %d): naive bounded found\n\t%s\nbounded DPOR found\n\t%s", filepath.Base(f), k, o.splitTasks, strings.Join(a, "\n\t"), strings.Join(b, "\n\t"))
				}
				naiveExecs += naive.Executions
				boundedExecs += red.Executions
			}
		}
	}
	t.Logf("%d script-bound pairs compared: %d executions naive, %d with bounded DPOR", n, naiveExecs, boundedExecs)
	if n < 60 {
		t.Errorf("only %d script-bound pairs small enough for the naive bounded search; want at least 60", n)
	}
	if boundedExecs >= naiveExecs {
		t.Errorf("bounded DPOR explored %d executions, the naive bounded search %d: no reduction", boundedExecs, naiveExecs)
	}
}
