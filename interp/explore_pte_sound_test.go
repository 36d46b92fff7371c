package interp

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

var genPTEN = flag.Int("gen.pte", 60, "TestPTEEntriesAreSoundOnGeneratedScripts: how many scripts to compare")

// The page-table footprints are per entry (runtime: pteKey): on scripts
// that install, zap, walk, lock and unmap at the same and at different
// entries of one PTE table (genPTEScript), the reduced search without the
// state cache ends in every final state (fingerprint and findings) the
// naive search ends in, and with the cache it finds what the naive search
// finds. The final states matter here: a wrong key mostly changes what
// the tables, the pages and the globals end as, which no assertion of a
// random script need look at.
func TestPTEEntriesAreSoundOnGeneratedScripts(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 5))
	compared := 0
	for i := range *genPTEN {
		src := genPTEScript(r)
		p, err := LoadSource(fmt.Sprintf("pte%d.mms", i), []byte(src))
		if err != nil {
			t.Fatalf("script %d does not compile: %v\n%s", i, err, src)
		}
		if endsMatchNaive(t, i, p, src) {
			compared++
		}
	}
	t.Logf("%d of %d scripts compared (the rest too large for the naive search)", compared, *genPTEN)
	if compared < *genPTEN/2 {
		t.Errorf("only %d of %d scripts small enough to compare", compared, *genPTEN)
	}
}

// endsMatchNaive explores script i (p, compiled from src) naively and, if
// that search completes, reduced: without the state cache the reduced
// search must end in every final state (fingerprint and findings) the
// naive one ends in, and with the cache find what the naive search finds.
// It reports whether the script was small enough to compare.
func endsMatchNaive(t *testing.T, i int, p *Program, src string) bool {
	t.Helper()
	ends := func(o ExploreOptions) (map[string]bool, *ExploreResult) {
		c := newStateCache(newVisitedSet(1 << 16))
		out := map[string]bool{}
		o.NoSymmetry, o.Workers, o.MaxSteps = true, 1, 100_000
		o.onExecution = func(s *searcher) {
			h, ok := c.fingerprint(s.m)
			if !ok {
				t.Fatalf("script %d: a final state is unhashable", i)
			}
			var rules []string
			for _, d := range s.m.k.Diagnostics() {
				rules = append(rules, d.Rule+" "+d.Pos.String())
			}
			slices.Sort(rules) // the order of independent findings is no state
			out[fmt.Sprintf("%x %v", h, rules)] = true
		}
		return out, Explore(p, o)
	}
	ref, naive := ends(ExploreOptions{Naive: true, NoMovers: true, MaxStates: 20_000})
	if !naive.Complete {
		return false
	}
	got, red := ends(ExploreOptions{NoCache: true, NoMovers: true}) // movers change the fingerprint
	if !red.Complete {
		t.Fatalf("script %d: the reduced search did not complete\n%s", i, src)
	}
	for e := range ref {
		if !got[e] {
			t.Fatalf("script %d: the reduced search (no cache) misses an end of the naive one (%d of %d ends reached): %s (reached: %v)\n%s", i, len(got), len(ref), e, got, src)
		}
	}
	red = Explore(p, ExploreOptions{MaxSteps: 100_000, Workers: 1, splitTasks: 1})
	sym := detectSymmetry(p)
	a, b := canonicalKeys(sym, naive), canonicalKeys(sym, red)
	if !red.Complete || strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("script %d: naive found\n\t%s\nreduced (complete=%v) found\n\t%s\n%s", i, strings.Join(a, "\n\t"), red.Complete, strings.Join(b, "\n\t"), src)
	}
	return true
}
