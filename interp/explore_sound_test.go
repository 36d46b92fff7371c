package interp

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// soundnessScripts are the scripts the reduction is checked on: every
// example and every interp test script.
func soundnessScripts(t *testing.T) []string {
	var files []string
	for _, g := range []string{"../examples/*.mms", "testdata/*.mms", "../runtime/testdata/*.mms"} {
		fs, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	return files
}

// soundnessStates is the naive search's budget per script:
// MMSCRIPT_SOUNDNESS_STATES raises it for a deeper check (2,000,000 also
// covers three_way_deadlock, tlb_flush_done and tlb_flush_missing).
func soundnessStates() int64 {
	if n, err := strconv.ParseInt(os.Getenv("MMSCRIPT_SOUNDNESS_STATES"), 10, 64); err == nil && n > 0 {
		return n
	}
	return 30_000
}

func findingKeys(res *ExploreResult) []string {
	var ks []string
	for _, f := range res.Findings {
		ks = append(ks, f.Key)
	}
	sort.Strings(ks)
	return ks
}

// The reduced search finds exactly what the exhaustive one finds, on every
// script small enough for the exhaustive one: partial-order reduction may
// skip interleavings, never findings.
func TestReductionIsSound(t *testing.T) {
	files := soundnessScripts(t)
	n := 0
	for _, f := range files {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		naive := Explore(p, ExploreOptions{Naive: true, MaxStates: soundnessStates()})
		if !naive.Complete {
			t.Logf("%s: too large for the naive search (%d states)", filepath.Base(f), naive.States)
			continue
		}
		n++
		red := Explore(p, ExploreOptions{})
		if !red.Complete {
			t.Errorf("%s: reduced search incomplete", f)
			continue
		}
		a, b := findingKeys(naive), findingKeys(red)
		if strings.Join(a, "\n") != strings.Join(b, "\n") {
			t.Errorf("%s: naive found\n\t%s\nreduced found\n\t%s", filepath.Base(f), strings.Join(a, "\n\t"), strings.Join(b, "\n\t"))
		}
		t.Logf("%s: naive %d executions %d states, reduced %d executions %d states", filepath.Base(f), naive.Executions, naive.States, red.Executions, red.States)
	}
	if n < 30 {
		t.Errorf("only %d scripts small enough for the naive search; want at least 30", n)
	}
}
