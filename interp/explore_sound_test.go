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
	"time"
)

// soundnessScripts are the scripts the reduction is checked on: every
// example, every interp test script and the generated scripts it once
// failed on (testdata/regressions).
func soundnessScripts(t *testing.T) []string {
	var files []string
	for _, g := range []string{"../examples/*.mms", "../examples/*/*.mms", "testdata/*.mms", "testdata/regressions/*.mms", "../runtime/testdata/*.mms"} {
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
	n, symmetric := 0, 0
	var hits int64
	for _, f := range files {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		// The naive search takes every step as a turn of its own:
		// releases merged into the turn before them (movers.go) are
		// checked against it too.
		naive := Explore(p, ExploreOptions{Naive: true, NoMovers: true, MaxStates: soundnessStates()})
		if !naive.Complete {
			t.Logf("%s: too large for the naive search (%d states)", filepath.Base(f), naive.States)
			continue
		}
		n++
		// The reduced search as users run it (the default split, with
		// the state cache), and from the root (no split) with and without
		// the cache: the split's levels are expanded in every order and
		// without the cache, and small scripts fit in them, so only a
		// search from the root asks every footprint to order its steps.
		for _, o := range []ExploreOptions{{}, {NoCache: true, splitTasks: 1}, {splitTasks: 1}} {
			noCache := o.NoCache
			red := Explore(p, o)
			if !red.Complete {
				t.Errorf("%s: reduced search incomplete", f)
				continue
			}
			hits += red.CacheHits
			// Under a symmetry (symmetry.go) a finding stands for its
			// images: both sides are compared by class.
			sym := detectSymmetry(p)
			a, b := canonicalKeys(sym, naive), canonicalKeys(sym, red)
			if red.Symmetry != "" {
				symmetric++
			}
			if strings.Join(a, "\n") != strings.Join(b, "\n") {
				t.Errorf("%s (no cache: %v, split %d): naive found\n\t%s\nreduced found\n\t%s", filepath.Base(f), noCache, o.splitTasks, strings.Join(a, "\n\t"), strings.Join(b, "\n\t"))
			}
			if !sameVerdicts(Verdicts(p, naive), Verdicts(p, red)) {
				t.Errorf("%s (no cache: %v, split %d): verdicts differ from the naive search's", filepath.Base(f), noCache, o.splitTasks)
			}
			t.Logf("%s: naive %d executions %d states, reduced (no cache: %v, split %d) %d executions %d states, %d hashed %d cache hits", filepath.Base(f), naive.Executions, naive.States, noCache, o.splitTasks, red.Executions, red.States, red.Hashed, red.CacheHits)
		}
	}
	if hits == 0 {
		t.Errorf("the state cache never pruned a state: the test does not cover it")
	}
	if symmetric < 3 {
		t.Errorf("only %d searches reduced by a symmetry: the test does not cover it", symmetric)
	}
	if n < 30 {
		t.Errorf("only %d scripts small enough for the naive search; want at least 30", n)
	}
}

// sameVerdicts compares verdicts (Always, Sometimes, Never, and whether
// the expectation holds), not the execution counts, which differ between
// searches by design.
func sameVerdicts(a, b []Verdict) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Verdict != b[i].Verdict || a[i].Holds != b[i].Holds {
			return false
		}
	}
	return true
}

var (
	genSoundN    = flag.Int("gen.sound", 60, "generated scripts TestReductionIsSoundOnGeneratedScripts compares")
	genSoundFrom = flag.Int("gen.from", 0, "TestReductionIsSoundOnGeneratedScripts: compare scripts from this index on (a long check split among processes)")
)

// The reduction is sound on random scripts too: the generator calls every
// kind of operation (installs, zaps, faults, walks, RCU, locks) from
// several threads and handlers, so a footprint declared too small shows up
// as a finding the reduced search misses. Each script is also searched
// within a preemption bound (0, 1 or 2 in turn), bounded DPOR against the
// naive bounded search. The default is a quick check; the long one, split
// among three processes (-gen.from skips the scripts before it):
//
//	go test -run SoundOnGenerated -gen.sound 1000 -timeout 90m -v ./interp
//	go test -run SoundOnGenerated -gen.sound 2000 -gen.from 1000 -timeout 90m -v ./interp
//	go test -run SoundOnGenerated -gen.sound 3000 -gen.from 2000 -timeout 90m -v ./interp
//
// A script it fails on is kept as text in testdata/regressions, which
// TestReductionIsSound compares in every run.
func TestReductionIsSoundOnGeneratedScripts(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	compared, bad, bounded := 0, 0, 0
	var hits int64
	start := time.Now()
	for i := range *genSoundN {
		src := genScript(r)
		if i < *genSoundFrom {
			continue
		}
		if i%100 == 0 && i > *genSoundFrom {
			t.Logf("script %d: %d compared, %d within a bound, %s", i, compared, bounded, time.Since(start).Round(time.Second))
		}
		p, err := LoadSource(fmt.Sprintf("gen%d.mms", i), []byte(src))
		if err != nil {
			bad++
			continue
		}
		naive := Explore(p, ExploreOptions{Naive: true, NoMovers: true, MaxStates: 20_000, MaxSteps: 100_000, Workers: 1})
		// Runs the step limit cuts short are compared too: the limit is
		// per thread (Machine.stepLimit), so where it strikes is a
		// finding DPOR must reproduce like any other.
		if !naive.Complete {
			continue
		}
		compared++
		// From the root (no split) with the state cache, then without
		// it, then as users run it (the default split, with the cache):
		// the split expands the first levels in every order, which on
		// these small trees hides a footprint too small there.
		for _, o := range []ExploreOptions{{MaxSteps: 100_000, Workers: 1, splitTasks: 1}, {MaxSteps: 100_000, Workers: 1, NoCache: true, splitTasks: 1}, {MaxSteps: 100_000, Workers: 1}} {
			red := Explore(p, o)
			hits += red.CacheHits
			sym := detectSymmetry(p)
			a, b := canonicalKeys(sym, naive), canonicalKeys(sym, red)
			if !red.Complete || strings.Join(a, "\n") != strings.Join(b, "\n") {
				t.Fatalf("script %d (no cache: %v, split %d): naive found\n\t%s\nreduced (complete=%v) found\n\t%s\n%s", i, o.NoCache, o.splitTasks, strings.Join(a, "\n\t"), red.Complete, strings.Join(b, "\n\t"), src)
			}
		}
		k := i % 3
		nb := Explore(p, ExploreOptions{Naive: true, Bounded: true, Preemptions: k, MaxStates: 20_000, MaxSteps: 100_000, Workers: 1})
		if !nb.Complete {
			continue
		}
		bounded++
		rb := Explore(p, ExploreOptions{Bounded: true, Preemptions: k, MaxSteps: 100_000, Workers: 1, splitTasks: 1 + i%2*63})
		a, b := findingKeys(nb), findingKeys(rb)
		if !rb.Complete || strings.Join(a, "\n") != strings.Join(b, "\n") {
			t.Fatalf("script %d (bound %d): naive bounded found\n\t%s\nbounded DPOR (complete=%v) found\n\t%s\n%s", i, k, strings.Join(a, "\n\t"), rb.Complete, strings.Join(b, "\n\t"), src)
		}
	}
	t.Logf("%d of %d generated scripts compared (%d do not compile, the rest too large), %d cache hits; %d compared within a preemption bound", compared, *genSoundN, bad, hits, bounded)
	if compared < 20 {
		t.Errorf("only %d scripts small enough to compare", compared)
	}
}
