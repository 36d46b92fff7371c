package interp

import (
	"fmt"
	"hash/maphash"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	rt "github.com/mmscript/mmscript/runtime"
)

// traceKey names the Mazurkiewicz trace of a complete execution: for each
// thread, the vector clock of each of its steps under happens-before (the
// thread's own order and every dependent pair of steps, by the footprints
// the run recorded). It is computed here over the whole path, the split's
// prefix included, rather than read from the explorer's clocks, which
// cover only the turns below a subtree's root: two executions with the
// same key are linearisations of one partial order, so equivalent.
func traceKey(st []node, nthr int) string {
	vcs := make([][]int32, len(st))
	local := make([]int32, nthr)
	for j := range st {
		vc := make([]int32, nthr)
		for i := 0; i < j; i++ {
			if st[i].tid == st[j].tid || rt.Dependent(st[i].acc, st[j].acc) {
				for t, c := range vcs[i] {
					vc[t] = max(vc[t], c)
				}
			}
		}
		local[st[j].tid]++
		vc[st[j].tid] = local[st[j].tid]
		vcs[j] = vc
	}
	var b strings.Builder
	for t := range nthr {
		fmt.Fprintf(&b, "%d:", t)
		for j := range st {
			if st[j].tid == t {
				fmt.Fprint(&b, vcs[j])
			}
		}
		b.WriteByte(';')
	}
	return b.String()
}

// traceCounter collects the traces of a search's complete executions
// (through onExecution): how many there were and how many repeated one
// seen before.
type traceCounter struct {
	mu      sync.Mutex
	seed    maphash.Seed
	seen    map[uint64]string // hash -> the schedule that had it first
	n, dups int
	first   string // the first repeat, for the failure message
}

func countTraces(t *testing.T, p *Program, o ExploreOptions) (*traceCounter, *ExploreResult) {
	t.Helper()
	c := &traceCounter{seed: maphash.MakeSeed(), seen: map[uint64]string{}}
	o.onExecution = func(s *searcher) {
		key := traceKey(s.stack, s.nthr)
		var sched strings.Builder
		for i := range s.stack {
			fmt.Fprintf(&sched, "%d", s.stack[i].tid)
		}
		h := maphash.String(c.seed, key)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.n++
		if prev, ok := c.seen[h]; ok {
			if c.dups == 0 {
				c.first = fmt.Sprintf("schedules %s and %s (threads by index) have the trace %s", prev, sched.String(), key)
			}
			c.dups++
			return
		}
		c.seen[h] = sched.String()
	}
	return c, Explore(p, o)
}

// Source-DPOR with sleep sets explores each Mazurkiewicz trace at most
// once (Abdulla et al., POPL 2014: sleep sets alone rule out two
// equivalent complete executions; source sets only add sleep-set-blocked
// runs). Without the state cache every complete execution the search
// counts is a distinct trace, so on scripts whose traces can be counted by
// hand the counts are exact, with the split of the first levels and
// without it.
func TestNoCacheExploresEachTraceOnce(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      int
	}{
		// Each thread writes x, then y (msleep ends a turn): each of the
		// two globals sees its writers in any order, independently of
		// the other: 3! * 3!.
		{"globals", `x = 0
y = 0
thread a { x = 1; msleep(1); y = 1 }
thread b { x = 2; msleep(1); y = 2 }
thread c { x = 3; msleep(1); y = 3 }
`, 36},
		// Threads on different locks never race: one trace.
		{"disjoint", `mutex l1
mutex l2
thread a { mutex_lock(l1); mutex_unlock(l1) }
thread b { mutex_lock(l2); mutex_unlock(l2) }
`, 1},
		// One mutex, three threads: every step is on the lock, so a trace
		// is an order of lock events. A thread either takes the mutex free
		// or queues while another holds it, and the queue hands it over in
		// order (FIFO): for each of the 3! orders of holders, the second
		// takes it free after the first or queues during the first's hold
		// (2 ways); the third queues behind the second during the first's
		// hold (only if the second queued), during the second's hold, or
		// takes it free (2 or 3 ways): 5 = Catalan(3) per order, 30 in
		// all. A queued acquire is a step of its own (its enqueue changes
		// the lock, which a release then reads), so these are distinct
		// traces even though all 5 of an order end in the same state: the
		// reduction cannot merge them; the state cache does, where the
		// states meet again.
		{"mutex", `mutex l
thread a { mutex_lock(l); mutex_unlock(l) }
thread b { mutex_lock(l); mutex_unlock(l) }
thread c { mutex_lock(l); mutex_unlock(l) }
`, 30},
	} {
		p := load(t, tc.src)
		for _, split := range []int{1, 0} {
			c, res := countTraces(t, p, ExploreOptions{NoCache: true, Workers: 1, splitTasks: split})
			if !res.Complete || res.Executions != int64(c.n) {
				t.Fatalf("%s split %d: complete=%v, %d executions, %d seen", tc.name, split, res.Complete, res.Executions, c.n)
			}
			if c.dups > 0 {
				t.Errorf("%s split %d: %d of %d executions repeat a trace: %s", tc.name, split, c.dups, c.n, c.first)
			}
			if c.n != tc.want {
				t.Errorf("%s split %d: %d executions, want %d (the number of traces)", tc.name, split, c.n, tc.want)
			}
		}
	}
}

// The same on every example and test script, within a budget: no complete
// execution of the search without cache repeats the trace of another.
func TestNoCacheRepeatsNoTraceOnScripts(t *testing.T) {
	files := soundnessScripts(t)
	if testing.Short() {
		files = files[:len(files)/4]
	}
	total := 0
	for _, f := range files {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := countTraces(t, p, ExploreOptions{NoCache: true, Workers: 1, MaxStates: 2500})
		total += c.n
		if c.dups > 0 {
			t.Errorf("%s: %d of %d executions repeat a trace: %s", filepath.Base(f), c.dups, c.n, c.first)
		}
	}
	if total < 1000 {
		t.Fatalf("only %d executions in all: the check covers nothing", total)
	}
}

// A state revisited with fewer threads asleep than when it was explored is
// explored again only in the threads that woke (partialHit). Scripts too
// large for the naive search but small enough for the search without
// cache (which explores every trace, TestNoCacheExploresEachTraceOnce)
// take such revisits; the cached search must find what the uncached one
// finds, with the same verdicts, with the split of the first levels and
// without it (the cache then covers the whole tree).
func TestPartialRevisitsAreSound(t *testing.T) {
	files := []string{
		"../examples/mmap-and-munmap/mprotect_vs_vma_lock_fault.mms",
		"../examples/page-table-walks/apply_to_page_range_without_lock.mms",
		"../examples/page-table-walks/folio_walk_without_lock.mms",
		"../examples/zapping/unmap_mapping_pages_truncate.mms",
		"../examples/rmap-and-reclaim/anon_vma_trylock_failure_ignored.mms",
		"testdata/mmlocks_n2.mms",
		"testdata/symmetric_faults_assert.mms",
		"testdata/symmetric_pmd.mms",
	}
	var partial int64
	findings := 0
	for _, f := range files {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		ref := Explore(p, ExploreOptions{NoCache: true, Workers: 1})
		if !ref.Complete {
			t.Fatalf("%s: the search without cache did not complete (%s)", f, ref.Stopped)
		}
		findings += len(ref.Findings)
		refStates, _ := finalStates(t, p, ExploreOptions{NoCache: true})
		if len(refStates) == 0 {
			t.Fatalf("%s: no final state fingerprinted", f)
		}
		sym := detectSymmetry(p)
		want := strings.Join(canonicalKeys(sym, ref), "\n\t")
		for _, split := range []int{1, 0} {
			red := Explore(p, ExploreOptions{Workers: 1, splitTasks: split})
			partial += red.partialHits
			got := strings.Join(canonicalKeys(sym, red), "\n\t")
			if !red.Complete || got != want {
				t.Errorf("%s (split %d): without cache found\n\t%s\nwith it (complete=%v, %d partial revisits)\n\t%s", filepath.Base(f), split, want, red.Complete, red.partialHits, got)
			}
			// Outcomes name findings by key, which a symmetry may give
			// as an image: compared where there is none.
			if a, b := outcomeSet(ref), outcomeSet(red); sym == nil && a != b {
				t.Errorf("%s (split %d): without cache the executions end in\n\t%s\nwith it in\n\t%s", filepath.Base(f), split, a, b)
			}
			if !sameVerdicts(Verdicts(p, ref), Verdicts(p, red)) {
				t.Errorf("%s (split %d): verdicts differ from the search without cache", filepath.Base(f), split)
			}
			fs, fr := finalStates(t, p, ExploreOptions{splitTasks: split})
			partial += fr.partialHits
			for h := range refStates {
				if !fs[h] {
					t.Errorf("%s (split %d): the search with cache (%d partial revisits) misses final states of the one without (%d of %d reached)", filepath.Base(f), split, fr.partialHits, len(fs), len(refStates))
					break
				}
			}
			if false {
				t.Errorf("%s (split %d): verdicts differ from the search without cache", filepath.Base(f), split)
			}
		}
	}
	if partial < 100 || findings < 5 {
		t.Errorf("%d partial revisits, %d findings: the test does not cover them", partial, findings)
	}
}

// outcomeSet lists the sets of findings executions end with (herd7's
// states), without their counts, which differ between searches.
func outcomeSet(res *ExploreResult) string {
	var out []string
	for _, o := range res.Outcomes {
		out = append(out, strings.Join(o.Keys, " + "))
	}
	sort.Strings(out)
	return strings.Join(out, "\n\t")
}

// finalStates returns the fingerprints of the states the complete
// executions of a search (without symmetry) end in: a sound search with
// the state cache ends in every state the search without it ends in, an
// execution a cache hit cut short ending in one an earlier execution
// reached. It is a finer check than the findings: a subtree the search
// wrongly prunes usually holds no finding of its own, but states of its
// own.
func finalStates(t *testing.T, p *Program, o ExploreOptions) (map[uint64]bool, *ExploreResult) {
	t.Helper()
	c := newStateCache(newVisitedSet(1 << 20))
	states := map[uint64]bool{}
	var last uint64
	var lastOK bool
	o.NoSymmetry, o.Workers = true, 1
	o.onTurn = func(s *searcher) { last, lastOK = c.fingerprint(s.m) }
	o.onExecution = func(s *searcher) {
		if lastOK {
			states[last] = true
		}
	}
	return states, Explore(p, o)
}

// TestCloseHandlerWindowStates: a use of a detached VMA while its ->close
// runs is no use after unmap (VMAState.New), before and after it is. The
// reduced search without cache must end in every (final state, findings)
// pair the naive one ends in, the use inside the handler after the user saw
// it start (seen = 1, no report) and the use after it (seen = 1, a report)
// among them. It fails when closing a VMA records only the read its
// operations declare: the use then commutes with the handler's end.
func TestCloseHandlerWindowStates(t *testing.T) {
	p, err := Load("testdata/close_handler_window.mms")
	if err != nil {
		t.Fatal(err)
	}
	ends := func(o ExploreOptions) (map[string]bool, *ExploreResult) {
		c := newStateCache(newVisitedSet(1 << 16))
		out := map[string]bool{}
		o.NoSymmetry, o.Workers = true, 1
		o.onExecution = func(s *searcher) {
			h, ok := c.fingerprint(s.m)
			if !ok {
				t.Fatal("a final state is unhashable")
			}
			var rules []string
			for _, d := range s.m.k.Diagnostics() {
				rules = append(rules, d.Rule)
			}
			out[fmt.Sprintf("%x %v", h, rules)] = true
		}
		return out, Explore(p, o)
	}
	ref, rr := ends(ExploreOptions{Naive: true})
	if !rr.Complete || len(ref) < 5 {
		t.Fatalf("naive search: complete=%v, %d ends: the script does not show the window", rr.Complete, len(ref))
	}
	got, _ := ends(ExploreOptions{NoCache: true})
	for e := range ref {
		if !got[e] {
			t.Errorf("the reduced search misses an end of the naive one (%d of %d reached): %s", len(got), len(ref), e)
		}
	}
}
