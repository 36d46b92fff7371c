package interp

import (
	"strings"
	"testing"
	"time"
)

// Every budget that stops a search says so: the result is incomplete,
// names the budget, and IncompleteText says how to raise it, with one
// worker or several, split or not, sharded or not, bounded or not.
func TestBudgetsNameThemselves(t *testing.T) {
	p := load(t, `
mm m
vma v = mmap(m, 0x10000, pages=1)
thread a { mmap_read_lock(m); zap_vma_range(v, 0x10000, pages=1); mmap_read_unlock(m) }
thread b { munmap(m, 0x10000, pages=1) }
thread c { mmap_write_lock(m); mmap_write_unlock(m) }
`)
	full := Explore(p, ExploreOptions{})
	if !full.Complete {
		t.Fatalf("the unbudgeted search is incomplete: %s", full.Stopped)
	}
	budgets := []struct {
		name string
		o    ExploreOptions
	}{
		{"max-states", ExploreOptions{MaxStates: 5}},
		{"max-runs", ExploreOptions{MaxRuns: 2}},
		{"timeout", ExploreOptions{Timeout: time.Nanosecond}},
		{"max-memory", ExploreOptions{MaxMemory: 1}},
	}
	for _, b := range budgets {
		for _, v := range []ExploreOptions{
			{Workers: 1}, {Workers: 2}, {Workers: 1, splitTasks: 1}, {Workers: 2, Shard: 2, Shards: 3},
			{Workers: 2, NoCache: true}, {Workers: 2, Bounded: true, Preemptions: 1}, {Workers: 1, Naive: true},
		} {
			o := b.o
			o.Workers, o.splitTasks, o.Shard, o.Shards, o.NoCache = v.Workers, v.splitTasks, v.Shard, v.Shards, v.NoCache
			o.Bounded, o.Preemptions, o.Naive = v.Bounded, v.Preemptions, v.Naive
			res := Explore(p, o)
			msg := IncompleteText(res)
			if res.Complete || res.Stopped != b.name || !strings.Contains(msg, "stopped by its "+b.name+" budget") || !strings.Contains(msg, "raise -"+b.name) {
				t.Errorf("%s (%+v): complete=%v stopped=%q: %s", b.name, v, res.Complete, res.Stopped, msg)
			}
			if v.Bounded && !strings.Contains(msg, "within 1 preemptions") {
				t.Errorf("%s, bounded: %s", b.name, msg)
			}
		}
	}
}

// A script with more threads than a search handles is not searched, and
// says so.
func TestTooManyThreadsIsNotOK(t *testing.T) {
	var b strings.Builder
	b.WriteString("mm m\n")
	for i := range 65 {
		b.WriteString("thread t" + string(rune('a'+i/26)) + string(rune('a'+i%26)) + " { mmap_read_lock(m); mmap_read_unlock(m) }\n")
	}
	res := Explore(load(t, b.String()), ExploreOptions{})
	if res.Complete || res.Stopped != "too-many-threads" || !strings.Contains(IncompleteText(res), "more than 64 threads") {
		t.Fatalf("complete=%v stopped=%q: %s", res.Complete, res.Stopped, IncompleteText(res))
	}
}

// -max-runs counts the probe runs of the split too: a budget smaller than
// the split's probes stops the search within it (it ran every probe of
// the first levels before, whatever the budget).
func TestMaxRunsCountsSplitProbes(t *testing.T) {
	p, err := Load("testdata/perf/mmlocks_n3.mms")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{1, 2} {
		res := Explore(p, ExploreOptions{MaxRuns: 10, Workers: w})
		if res.Complete || res.Stopped != "max-runs" || res.Runs > 10+int64(w) {
			t.Errorf("workers %d: complete=%v stopped=%q after %d runs, want max-runs within 10 (+1 a worker)", w, res.Complete, res.Stopped, res.Runs)
		}
	}
}

// A timeout stops a search within a long run at once: the analysis of the
// run it cut short (quadratic in its length) gives up too. It went on for
// half a minute after a 300 ms timeout on this script, and Ctrl-C at the
// REPL waited as long.
func TestTimeoutStopsALongRun(t *testing.T) {
	p := load(t, `
mm m
thread t1 { repeat 1000000 { mmap_read_lock(m); mmap_read_unlock(m) } }
thread t2 { repeat 1000000 { mmap_write_lock(m); mmap_write_unlock(m) } }
`)
	start := time.Now()
	res := Explore(p, ExploreOptions{Timeout: 300 * time.Millisecond, MaxSteps: 1 << 40})
	if d := time.Since(start); res.Stopped != "timeout" || d > 5*time.Second {
		t.Errorf("stopped %q after %v, want timeout within 5s", res.Stopped, d)
	}
}
