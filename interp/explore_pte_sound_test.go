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

// TestPTEClearOrdersWithHardwareWalk: a thread clears a present entry
// under its PTE lock (ptep_get_and_clear, zap_present_ptes in an
// mmu_gather) while another CPU, which caches no
// translation of it, loads through it (cpu_access: the hardware walk,
// which takes no lock). The load before the clear hits and sets the
// accessed bit; after it, it faults. The two orders end in different
// states, and nothing orders them but the clear's write of the entry and
// the walk's update of it: the PTE lock is not the walk's, the page is
// not read by a walk that finds the entry empty, and the TLB is only
// read by both. So the reduced search from the root must end in both, or
// the clear's footprint names another entry than its own (keyed to the
// next entry, it passed every test the split hid it from: the split
// expands the first levels of so small a tree in every order).
// zap_vma_range is not here: it flushes the TLB in the same step, a write
// the walk's read of its CPU's entries conflicts with whatever entry the
// zap names.
func TestPTEClearOrdersWithHardwareWalk(t *testing.T) {
	for name, clear := range map[string][]string{
		"ptep_get_and_clear": {"pte pt = pte_offset_map_lock(m, 0x100000)", "page old = ptep_get_and_clear(pt)", "pte_unmap_unlock(pt)"},
		"zap_present_ptes": {"tlb = tlb_gather_mmu(m)", "pte pt = pte_offset_map_lock(m, 0x100000)", "zap_present_ptes(tlb, v, pt, 0x101000)",
			"pte_unmap_unlock(pt)", "tlb_finish_mmu(tlb)"},
	} {
		t.Run(name, func(t *testing.T) {
			src := "mm m\nvma v = mmap(m, 0x100000, pages=2, prot=rw, flags=private)\n" +
				"assert touch(m, 0x100000, write)\nassert touch(m, 0x101000, write)\nhits = 0\n\n" +
				"thread a {\n  mmap_read_lock(m)\n  " + strings.Join(clear, "\n  ") + "\n  mmap_read_unlock(m)\n}\n\n" +
				"thread b {\n  if cpu_access(m, 0x100000, 4) { hits += 1 }\n}\n"
			p, err := LoadSource(name+".mms", []byte(src))
			if err != nil {
				t.Fatalf("%v\n%s", err, src)
			}
			if !endsMatchNaive(t, 0, p, src) {
				t.Fatalf("the naive search did not complete\n%s", src)
			}
		})
	}
}

// endsMatchNaive explores script i (p, compiled from src) naively and, if
// that search completes, reduced: without the state cache the reduced
// search must end in every final state (fingerprint and findings) the
// naive one ends in, and with the cache find what the naive search finds.
// It reports whether the script was small enough to compare.
//
// The reduced searches run from the root (splitTasks 1): the default
// split expands the first levels in every order, and on a script of two
// or three short threads those levels are most of the tree, so a
// footprint too small there is never asked to order anything (a
// ptep_get_and_clear keyed to the next entry passed every test with the
// split: TestPTEClearOrdersWithHardwareWalk). The users' search, the
// default split with the cache, must find the same findings too.
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
	got, red := ends(ExploreOptions{NoCache: true, NoMovers: true, splitTasks: 1}) // movers change the fingerprint
	if !red.Complete {
		t.Fatalf("script %d: the reduced search did not complete\n%s", i, src)
	}
	for e := range ref {
		if !got[e] {
			t.Fatalf("script %d: the reduced search (no cache, from the root) misses an end of the naive one (%d of %d ends reached): %s (reached: %v)\n%s", i, len(got), len(ref), e, got, src)
		}
	}
	sym := detectSymmetry(p)
	a := canonicalKeys(sym, naive)
	for _, split := range []int{1, 0} {
		red = Explore(p, ExploreOptions{MaxSteps: 100_000, Workers: 1, splitTasks: split})
		b := canonicalKeys(sym, red)
		if !red.Complete || strings.Join(a, "\n") != strings.Join(b, "\n") {
			t.Fatalf("script %d: naive found\n\t%s\nreduced (split %d, complete=%v) found\n\t%s\n%s", i, strings.Join(a, "\n\t"), split, red.Complete, strings.Join(b, "\n\t"), src)
		}
	}
	return true
}
