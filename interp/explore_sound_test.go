package interp

import (
	"flag"
	"fmt"
	"math/rand/v2"
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
	for _, g := range []string{"../examples/*.mms", "../examples/*/*.mms", "testdata/*.mms", "../runtime/testdata/*.mms"} {
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

var genSoundN = flag.Int("gen.sound", 400, "generated scripts TestReductionIsSoundOnGeneratedScripts compares")

// The reduction is sound on random scripts too: the generator calls every
// kind of operation (installs, zaps, faults, walks, RCU, locks) from
// several threads and handlers, so a footprint declared too small shows up
// as a finding the reduced search misses.
//
//	go test -run SoundOnGenerated -gen.sound 5000 ./interp
func TestReductionIsSoundOnGeneratedScripts(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	compared, bad := 0, 0
	for i := range *genSoundN {
		src := genScript(r)
		p, err := LoadSource(fmt.Sprintf("gen%d.mms", i), []byte(src))
		if err != nil {
			bad++
			continue
		}
		naive := Explore(p, ExploreOptions{Naive: true, MaxStates: 20_000, MaxSteps: 100_000, Workers: 1})
		if !naive.Complete {
			continue
		}
		compared++
		red := Explore(p, ExploreOptions{MaxSteps: 100_000, Workers: 1})
		a, b := findingKeys(naive), findingKeys(red)
		if !red.Complete || strings.Join(a, "\n") != strings.Join(b, "\n") {
			t.Fatalf("script %d: naive found\n\t%s\nreduced (complete=%v) found\n\t%s\n%s", i, strings.Join(a, "\n\t"), red.Complete, strings.Join(b, "\n\t"), src)
		}
	}
	t.Logf("%d of %d generated scripts compared (%d do not compile, the rest too large)", compared, *genSoundN, bad)
	if compared < 20 {
		t.Errorf("only %d scripts small enough to compare", compared)
	}
}
