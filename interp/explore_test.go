package interp

import (
	"path/filepath"
	"strings"
	"testing"

	rt "github.com/mmscript/mmscript/runtime"
)

const abbaScript = `mm m
file f
thread a { mmap_write_lock(m); i_mmap_lock_write(f); i_mmap_unlock_write(f); mmap_write_unlock(m) }
thread b { i_mmap_lock_write(f); mmap_write_lock(m); mmap_write_unlock(m); i_mmap_unlock_write(f) }
`

func findingOf(res *ExploreResult, kind rt.DiagKind) *Finding {
	for i := range res.Findings {
		if res.Findings[i].Diag.Kind == kind {
			return &res.Findings[i]
		}
	}
	return nil
}

// The preemption bound decides what is reachable: without preemption the
// ABBA threads run one after the other (lockdep still sees the inversion);
// one preemption reaches the deadlock, whose schedule replays it.
func TestExploreFindsDeadlockWithinBound(t *testing.T) {
	p := load(t, abbaScript)
	none := Explore(p, ExploreOptions{Preemptions: 0})
	if !none.Complete || findingOf(none, rt.Deadlock) != nil || findingOf(none, rt.Violation) == nil {
		t.Fatalf("bound 0: complete=%v findings=%d", none.Complete, len(none.Findings))
	}
	one := Explore(p, ExploreOptions{Preemptions: 1})
	d := findingOf(one, rt.Deadlock)
	if !one.Complete || d == nil {
		t.Fatalf("bound 1: complete=%v, no deadlock among %d findings", one.Complete, len(one.Findings))
	}
	if one.Runs <= none.Runs {
		t.Errorf("bound 1 ran %d schedules, bound 0 ran %d", one.Runs, none.Runs)
	}
	replay := Run(p, Options{Schedule: d.Schedule})
	if !replay.Deadlock || replay.Diagnostics[len(replay.Diagnostics)-1].Msg != d.Diag.Msg {
		t.Errorf("replaying %v did not reproduce %q", d.Schedule, d.Diag.Msg)
	}
}

// Threads that agree on the order have nothing to find, in every
// interleaving, and the exploration says it tried them all.
func TestExploreCleanScriptIsComplete(t *testing.T) {
	p := load(t, strings.ReplaceAll(abbaScript,
		"thread b { i_mmap_lock_write(f); mmap_write_lock(m); mmap_write_unlock(m); i_mmap_unlock_write(f) }",
		"thread b { mmap_write_lock(m); i_mmap_lock_write(f); i_mmap_unlock_write(f); mmap_write_unlock(m) }"))
	res := Explore(p, ExploreOptions{Preemptions: -1})
	if !res.Complete || len(res.Findings) != 0 {
		t.Fatalf("complete=%v findings=%v", res.Complete, res.Findings)
	}
	// Two threads of five turns each: C(10,5) = 252 interleavings at most;
	// blocking cuts some short.
	if res.Runs < 2 || res.Runs > 252 {
		t.Errorf("%d runs", res.Runs)
	}
}

// A budget too small to finish is reported as incomplete, never as ok.
func TestExploreBudget(t *testing.T) {
	res := Explore(load(t, abbaScript), ExploreOptions{MaxRuns: 2, Preemptions: -1})
	if res.Complete || res.Runs != 2 {
		t.Fatalf("complete=%v runs=%d", res.Complete, res.Runs)
	}
}

// A race the default schedule misses: round-robin lets the zap run before
// munmap, but another interleaving lets munmap free the VMA first.
func TestExploreFindsUseAfterUnmap(t *testing.T) {
	p := load(t, `mm m
vma v = mmap(m, 0x10000, pages=1)
thread reader { zap_vma_range(v, 0x10000, pages=1) }
thread unmapper {
  msleep(1)
  munmap(m, 0x10000, pages=1)
}
`)
	if r := Run(p, Options{}); len(r.Diagnostics) != 1 || r.Diagnostics[0].Rule != "pgtable/zap-needs-stable-vma" {
		t.Fatalf("default run: %v", r.Diagnostics)
	}
	res := Explore(p, ExploreOptions{Preemptions: 0})
	var uaf *Finding
	for i, f := range res.Findings {
		if f.Diag.Rule == "vma/use-after-unmap" {
			uaf = &res.Findings[i]
		}
	}
	if !res.Complete || uaf == nil {
		t.Fatalf("complete=%v findings=%v", res.Complete, res.Findings)
	}
	if got := FormatSchedule(uaf.Schedule); got != "unmapper*3 reader*2" {
		t.Errorf("schedule %q", got)
	}
}

// The examples that expect ok are ok in every interleaving within two
// preemptions, not only under round-robin: their asserts state invariants,
// not an order.
func TestOkExamplesHoldUnderExploration(t *testing.T) {
	files, err := filepath.Glob("../examples/*.mms")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, f := range files {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.expects) != 1 || p.expects[0].Kind != "ok" {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			res := Explore(p, ExploreOptions{Preemptions: 2, MaxRuns: 5000})
			if !res.Complete {
				t.Errorf("not complete after %d runs", res.Runs)
			}
			for _, fd := range res.Findings {
				t.Errorf("%s\n\tschedule: %s", fd.Diag, FormatSchedule(fd.Schedule))
			}
		})
	}
}
