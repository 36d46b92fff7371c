package interp

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	rt "github.com/mmscript/mmscript/runtime"
)

// abba takes the mmap lock and i_mmap_rwsem in opposite orders.
const abba = `mm m
file f
thread a { mmap_write_lock(m); i_mmap_lock_write(f); i_mmap_unlock_write(f); mmap_write_unlock(m) }
thread b { i_mmap_lock_write(f); mmap_write_lock(m); mmap_write_unlock(m); i_mmap_unlock_write(f) }
`

// racyABBA is abba with a different amount of work before each thread's
// first lock, so that seeds give schedules with runs (name*count) and
// both outcomes.
const racyABBA = `mm m
file f
thread a { repeat 3 { msleep() }; mmap_write_lock(m); msleep(); i_mmap_lock_write(f); i_mmap_unlock_write(f); mmap_write_unlock(m) }
thread b { msleep(); i_mmap_lock_write(f); msleep(); mmap_write_lock(m); mmap_write_unlock(m); i_mmap_unlock_write(f) }
thread c { repeat 4 { msleep() } }
`

func TestDeadlockReport(t *testing.T) {
	res := run(t, abba, Options{})
	if !res.Deadlock {
		t.Fatalf("no deadlock: %s", diagLines(res))
	}
	d := deadlockOf(res)
	if d == nil {
		t.Fatalf("Deadlock set but no deadlock diagnostic: %s", diagLines(res))
	}
	if want := "a waits for f->i_mmap_rwsem (write) held by b; b waits for m->mmap_lock (write) held by a"; d.Msg != want {
		t.Errorf("deadlock message\n%s\nwant\n%s", d.Msg, want)
	}
	if got := d.Pos.String(); got != "test.mms:3:32" {
		t.Errorf("deadlock at %s, want test.mms:3:32 (a's blocked i_mmap_lock_write)", got)
	}
	if d.Rule != "deadlock" || d.Kind != rt.Deadlock {
		t.Errorf("rule %q kind %v", d.Rule, d.Kind)
	}
	var rel []string
	for _, r := range d.Related {
		rel = append(rel, r.Pos.String()+": "+r.Msg)
	}
	wantRel := []string{
		"test.mms:3:32: a blocks here on f->i_mmap_rwsem",
		"test.mms:4:12: b took f->i_mmap_rwsem here",
		"test.mms:4:34: b blocks here on m->mmap_lock",
		"test.mms:3:12: a took m->mmap_lock here",
	}
	if !slices.Equal(rel, wantRel) {
		t.Errorf("related\n%s\nwant\n%s", strings.Join(rel, "\n"), strings.Join(wantRel, "\n"))
	}
	if d.Schedule != "a b a b" {
		t.Errorf("schedule %q, want \"a b a b\"", d.Schedule)
	}
	if !slices.Equal(res.Schedule(), []string{"a", "b", "a", "b"}) {
		t.Errorf("Result.Schedule = %v", res.Schedule())
	}
	if !strings.Contains(d.String(), "\n\tschedule: a b a b") {
		t.Errorf("printed report lacks the schedule:\n%s", d)
	}
	// The lock-order inversion is reported too, at b's mmap_write_lock.
	if got := diagLines(res); !strings.Contains(got, "test.mms:4:34: lockdep/circular: ") {
		t.Errorf("no lockdep report at 4:34:\n%s", got)
	}
	// No thread exits, so nothing is reported as held at exit.
	if strings.Contains(diagLines(res), "held-at-exit") {
		t.Errorf("held-at-exit reported for deadlocked threads:\n%s", diagLines(res))
	}
}

func TestDeadlockInSetup(t *testing.T) {
	res := run(t, "mm m\nmmap_write_lock(m)\nmmap_write_lock(m)\nthread t { msleep() }\n", Options{})
	d := deadlockOf(res)
	if d == nil {
		t.Fatalf("no deadlock: %s", diagLines(res))
	}
	if d.Msg != "main waits for m->mmap_lock (write) held by main" || d.Pos.String() != "test.mms:3:1" {
		t.Errorf("got %s", d)
	}
	if len(res.Schedule()) != 0 || d.Schedule != "" {
		t.Errorf("threads ran after the set-up deadlocked: %v", res.Schedule())
	}
}

func TestSeedIsReproducible(t *testing.T) {
	prog := load(t, racyABBA)
	for seed := uint64(1); seed <= 30; seed++ {
		r1 := Run(prog, Options{Seed: seed})
		r2 := Run(prog, Options{Seed: seed})
		if !slices.Equal(r1.Schedule(), r2.Schedule()) {
			t.Errorf("seed %d: schedules differ:\n%v\n%v", seed, r1.Schedule(), r2.Schedule())
		}
		if !slices.Equal(diagStrings(r1), diagStrings(r2)) {
			t.Errorf("seed %d: diagnostics differ:\n%v\n%v", seed, diagStrings(r1), diagStrings(r2))
		}
		if r1.Steps != r2.Steps || r1.Deadlock != r2.Deadlock {
			t.Errorf("seed %d: steps %d/%d deadlock %v/%v", seed, r1.Steps, r2.Steps, r1.Deadlock, r2.Deadlock)
		}
	}
}

func TestSeedsDiffer(t *testing.T) {
	prog := load(t, racyABBA)
	schedules := map[string]bool{}
	outcomes := map[bool]int{}
	for seed := uint64(1); seed <= 40; seed++ {
		res := Run(prog, Options{Seed: seed})
		schedules[FormatSchedule(res.Schedule())] = true
		outcomes[res.Deadlock]++
	}
	if len(schedules) < 10 {
		t.Errorf("40 seeds gave only %d distinct schedules", len(schedules))
	}
	if outcomes[true] == 0 || outcomes[false] == 0 {
		t.Errorf("40 seeds: %d deadlocked, %d did not; want both outcomes", outcomes[true], outcomes[false])
	}
	// Round-robin (seed 0) is one fixed schedule.
	r0 := Run(prog, Options{})
	r00 := Run(prog, Options{})
	if !slices.Equal(r0.Schedule(), r00.Schedule()) {
		t.Errorf("round-robin schedules differ")
	}
}

func TestReplayDeadlockSchedule(t *testing.T) {
	prog := load(t, racyABBA)
	replayed := 0
	sawRun := false
	for seed := uint64(1); seed <= 40; seed++ {
		res := Run(prog, Options{Seed: seed})
		d := deadlockOf(res)
		if d == nil {
			continue
		}
		if d.Schedule != FormatSchedule(res.Schedule()) {
			t.Errorf("seed %d: report schedule %q, Result.Schedule %q", seed, d.Schedule, FormatSchedule(res.Schedule()))
		}
		sawRun = sawRun || strings.Contains(d.Schedule, "*")
		s, err := ParseSchedule(d.Schedule)
		if err != nil {
			t.Fatalf("seed %d: ParseSchedule(%q): %v", seed, d.Schedule, err)
		}
		if !slices.Equal(s, res.Schedule()) {
			t.Errorf("seed %d: ParseSchedule(FormatSchedule(s)) = %v, want %v", seed, s, res.Schedule())
		}
		// Replay without the seed: the schedule alone decides.
		rep := Run(prog, Options{Schedule: s})
		if !slices.Equal(diagStrings(rep), diagStrings(res)) {
			t.Errorf("seed %d: replay of %q gives\n%s\nwant\n%s", seed, d.Schedule, diagLines(rep), diagLines(res))
		}
		if !slices.Equal(rep.Schedule(), res.Schedule()) || !rep.Deadlock {
			t.Errorf("seed %d: replay schedule %v deadlock %v", seed, rep.Schedule(), rep.Deadlock)
		}
		replayed++
	}
	if replayed < 3 {
		t.Errorf("only %d seeds deadlocked; the test needs more", replayed)
	}
	if !sawRun {
		t.Errorf("no deadlock schedule had a run (name*count); FormatSchedule's compaction is untested")
	}
}

func TestScheduleFormatRoundTrip(t *testing.T) {
	for _, s := range [][]string{
		nil,
		{"a"},
		{"a", "a", "a", "b", "a", "a", "c", "c"},
		{"t1", "t2", "t2", "t2", "t2", "t2", "t2", "t2", "t2", "t2", "t2", "t2", "t1"},
	} {
		f := FormatSchedule(s)
		back, err := ParseSchedule(f)
		if err != nil || !slices.Equal(back, s) {
			t.Errorf("FormatSchedule(%v) = %q, parsed back as %v, %v", s, f, back, err)
		}
	}
	if got := FormatSchedule([]string{"a", "a", "a", "b", "a"}); got != "a*3 b a" {
		t.Errorf("FormatSchedule = %q, want \"a*3 b a\"", got)
	}
	for _, bad := range []string{"a*0", "a*x", "a*-1", "a*99999999999"} {
		if _, err := ParseSchedule(bad); err == nil {
			t.Errorf("ParseSchedule(%q) accepted", bad)
		}
	}
}

func TestReplayBadSchedule(t *testing.T) {
	res := run(t, abba, Options{Schedule: []string{"a", "zz"}})
	lines := diagLines(res)
	if !strings.Contains(lines, "error: schedule replay: turn 2 names zz, which cannot run now") {
		t.Errorf("got\n%s", lines)
	}
	if !slices.Equal(res.Schedule(), []string{"a"}) {
		t.Errorf("schedule %v, want [a]", res.Schedule())
	}
}

func TestReplayThenRoundRobin(t *testing.T) {
	// a*2 lets a take both locks first: no deadlock; the rest is round-robin.
	res := run(t, abba, Options{Schedule: []string{"a", "a"}})
	if res.Deadlock {
		t.Fatalf("deadlock after a*2: %s", diagLines(res))
	}
	if len(res.Schedule()) < 2 || res.Schedule()[0] != "a" || res.Schedule()[1] != "a" {
		t.Errorf("schedule %v does not start with the replayed a a", res.Schedule())
	}
	// Round-robin takes over from the first thread.
	// a's mmap_write_unlock and its exit are one turn (the exit touches
	// only a), and so are b's last two steps.
	if got := FormatSchedule(res.Schedule()); got != "a*3 b a b*3" {
		t.Errorf("schedule %q", got)
	}
}

func TestRoundRobinOrder(t *testing.T) {
	res := run(t, `
thread a { msleep() }
thread b { msleep(); msleep(); msleep() }
thread c { msleep(); msleep() }
`, Options{})
	// A thread's return after its last operation touches only the
	// thread: it is part of that operation's turn. A thread that has
	// finished is skipped.
	want := []string{"a", "b", "c", "b", "c", "b"}
	if !slices.Equal(res.Schedule(), want) {
		t.Errorf("schedule %v, want %v", res.Schedule(), want)
	}
	if len(res.Diagnostics) != 0 {
		t.Errorf("diagnostics: %s", diagLines(res))
	}
}

func TestRoundRobinSkipsBlocked(t *testing.T) {
	// b waits for a's lock; c keeps running meanwhile; the lock is handed
	// to b when a releases it (turn 8, with a's exit), and b's next turn
	// (9) finishes its mmap_read_lock (a read grant touches only b) and
	// runs on through its mmap_read_unlock and exit.
	res := run(t, `
mm m
thread a { mmap_write_lock(m); msleep(); msleep(); mmap_write_unlock(m) }
thread b { mmap_read_lock(m); mmap_read_unlock(m) }
thread c { msleep(); msleep(); msleep(); msleep() }
`, Options{})
	want := "a b c a c a c a b c"
	if got := strings.Join(res.Schedule(), " "); got != want {
		t.Errorf("schedule\n%s\nwant\n%s", got, want)
	}
	if len(res.Diagnostics) != 0 {
		t.Errorf("diagnostics: %s", diagLines(res))
	}
}

// A step that touches only its own thread (might_sleep, the resumption of
// a granted read lock, a thread's exit) is no scheduling point: it runs in
// the same turn as the thread's next visible step, or the step before.
// msleep, which a script calls to let the others run, ends a turn.
func TestInvisibleStepsMerge(t *testing.T) {
	const src = `
mm m
thread a { might_sleep(); might_sleep(); mmap_read_lock(m); might_sleep(); mmap_read_unlock(m); might_sleep() }
thread b { msleep(); mmap_write_lock(m); mmap_write_unlock(m) }
`
	res := run(t, src, Options{})
	// a: might_sleep*2 and mmap_read_lock; b: msleep; a: might_sleep and
	// mmap_read_unlock; b: mmap_write_lock; a: might_sleep and exit; b:
	// mmap_write_unlock and exit.
	if got := FormatSchedule(res.Schedule()); got != "a b a b a b" {
		t.Errorf("schedule %q, want \"a b a b a b\"", got)
	}
	if len(res.Diagnostics) != 0 {
		t.Errorf("diagnostics: %s", diagLines(res))
	}
	// b takes the write lock first and a waits; once a is granted the
	// lock, its resumption (a read grant: only a) runs in one turn with
	// its might_sleep and mmap_read_unlock.
	again := run(t, src, Options{Schedule: []string{"b", "b", "a", "b", "a", "a"}})
	if got := FormatSchedule(again.Schedule()); got != "b*2 a b a*2" || len(again.Diagnostics) != 0 {
		t.Errorf("replay: schedule %q, diagnostics %s", got, diagLines(again))
	}
}

func TestStepLimit(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		max       int64
		// want: the position and thread of each step-limit error.
		want  []string
		steps int64
	}{
		{"thread", "thread t {\n  repeat 100000000 { }\n}\n", 1000, []string{"test.mms:2:3 t"}, 1001},
		{"setup", "x = 1\nrepeat 100000000 { x = x + 1 }\n", 1000, []string{"test.mms:2:1 main"}, 1001},
		{"for", "thread t { for i in 0..100000000 { } }\n", 5000, []string{"test.mms:1:12 t"}, 5001},
		// The limit is per thread (explorer soundness, see
		// Machine.stepLimit): each looping thread is stopped on its own.
		{"two threads", "thread a { repeat 100000000 { msleep() } }\nthread b { repeat 100000000 { msleep() } }\n", 1000,
			[]string{"test.mms:1:31 a", "test.mms:2:31 b"}, 2002},
		// A thread that ends within its own budget is not cut short
		// because another thread loops: b's 603 statements and a's
		// 1001 make more than the limit together.
		{"budget is per thread", "x = 0\nthread a { repeat 100000000 { msleep() } }\nthread b { repeat 300 { x = x + 1 }\n  assert x == 0, \"b finished\" }\n", 1000,
			[]string{"test.mms:2:31 a"}, 1 + 1001 + 603},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, tc.src, Options{MaxSteps: tc.max})
			var got []string
			finished := false
			for _, d := range res.Diagnostics {
				if strings.Contains(d.Msg, "assertion failed") {
					finished = finished || strings.Contains(d.Msg, "b finished")
					continue
				}
				if d.Kind != rt.Error || d.Rule != "error" || !strings.HasPrefix(d.Msg, "step limit of ") {
					t.Errorf("got %s", d)
					continue
				}
				hint := fmt.Sprintf("step limit of %d statements exceeded by thread %s (an unbounded loop? each thread may run %d statements; raise it with -max-steps)", tc.max, d.Thread, tc.max)
				if d.Msg != hint {
					t.Errorf("message %q, want %q", d.Msg, hint)
				}
				got = append(got, d.Pos.String()+" "+d.Thread)
			}
			sort.Strings(got)
			if strings.Join(got, "; ") != strings.Join(tc.want, "; ") {
				t.Errorf("step limits at %q, want %q\n%s", got, tc.want, diagLines(res))
			}
			if finished != strings.Contains(tc.src, "b finished") {
				t.Errorf("thread b did not run to its end\n%s", diagLines(res))
			}
			if !res.StepLimit {
				t.Errorf("StepLimit not set")
			}
			if res.Steps != tc.steps {
				t.Errorf("Steps = %d, want %d", res.Steps, tc.steps)
			}
		})
	}
	t.Run("default", func(t *testing.T) {
		start := time.Now()
		res := run(t, "thread t {\n  repeat 100000000 { }\n}\n", Options{})
		if len(res.Diagnostics) != 1 || res.Diagnostics[0].Pos.String() != "test.mms:2:3" ||
			res.Diagnostics[0].Msg != "step limit of 10000000 statements exceeded by thread t (an unbounded loop? each thread may run 10000000 statements; raise it with -max-steps)" {
			t.Errorf("got\n%s", diagLines(res))
		}
		if res.Steps != DefaultMaxSteps+1 {
			t.Errorf("Steps = %d", res.Steps)
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("10M steps took %v", d)
		}
	})
}

func TestBugKeepsLocks(t *testing.T) {
	// a oopses (BUG_ON in vm_insert_page) holding the mmap read lock; b's
	// mmap_write_lock then waits forever. a's locks are not reported as
	// held at exit: a never exits.
	res := run(t, `mm m
thread a {
  mmap_read_lock(m)
  vma v = find_vma(m, 0x100000)
  page p = alloc_page()
  vm_insert_page(v, 0x100000, p)
  mmap_read_unlock(m)
  print("not reached")
}
thread b { msleep(); msleep(); msleep(); mmap_write_lock(m); mmap_write_unlock(m) }
mmap(m, 0x100000, pages=4, prot=rw)
`, Options{})
	if len(res.Diagnostics) != 2 {
		t.Fatalf("want a BUG and a deadlock, got\n%s", diagLines(res))
	}
	bug, dl := res.Diagnostics[0], res.Diagnostics[1]
	if bug.Kind != rt.Violation || !bug.Fatal || bug.Kernel != rt.BUG || bug.Thread != "a" || bug.Pos.String() != "test.mms:6:3" ||
		bug.Rule != "vm_insert_page/not-mixedmap-needs-mmap-write" {
		t.Errorf("BUG: %s (fatal %v thread %s)", bug, bug.Fatal, bug.Thread)
	}
	if dl.Kind != rt.Deadlock || dl.Msg != "b waits for m->mmap_lock (write) held by a (dead after a BUG)" || dl.Pos.String() != "test.mms:10:42" {
		t.Errorf("deadlock: %s", dl)
	}
	if !strings.Contains(dl.String(), "test.mms:3:3: a took m->mmap_lock here") {
		t.Errorf("deadlock report does not point at a's lock:\n%s", dl)
	}
	if !strings.Contains(dl.String(), "test.mms:6:3: a died here in a BUG, holding m->mmap_lock for good") {
		t.Errorf("deadlock report does not point at the BUG that left the lock held:\n%s", dl)
	}
	if !res.Deadlock {
		t.Errorf("Result.Deadlock not set")
	}
	// a ran up to the BUG and never again.
	if got := FormatSchedule(res.Schedule()); got != "a b a b a b a b" {
		t.Errorf("schedule %q", got)
	}
}

func TestBugThreadStops(t *testing.T) {
	// After a BUG the thread runs nothing more: the print is never reached
	// and the lock never released, but a thread that does not need it
	// finishes normally.
	var out strings.Builder
	res := run(t, `mm m
thread a {
  mmap_read_lock(m)
  vm_insert_page(find_vma(m, 0x100000), 0x100000, alloc_page())
  print("after BUG")
}
thread b { msleep(); print("b done") }
mmap(m, 0x100000, pages=4, prot=rw)
`, Options{Output: &out})
	if got := out.String(); got != "b: \"b done\"\n" {
		t.Errorf("output %q", got)
	}
	if res.Deadlock || len(res.Diagnostics) != 1 || !res.Diagnostics[0].Fatal {
		t.Errorf("got\n%s", diagLines(res))
	}
}

// A schedule written by hand: name* is as many turns as the thread can
// take, and a turn the named thread cannot take says why.
func TestReplayHandWrittenSchedule(t *testing.T) {
	for _, tc := range []struct {
		sched    []string
		deadlock bool
		err      string // a substring of the replay error, "" for none
	}{
		{[]string{"a*", "b*"}, false, ""},
		{[]string{"a", "b*", "a*"}, true, ""},
		{[]string{"b*"}, false, ""}, // b runs to its end, then round-robin
		{[]string{"a*", "a"}, false, "names a, which cannot run now: it has finished (a turn count past a thread's end, as in a*N, can be written a*"},
		{[]string{"a", "b", "b", "b"}, false, "names b, which cannot run now: it is blocked waiting for m->mmap_lock (write); runnable now: a"},
		{[]string{"zz*", "a"}, false, ""}, // a star entry of no runnable thread is passed over
	} {
		res := run(t, abba, Options{Schedule: tc.sched})
		lines := diagLines(res)
		if tc.err == "" && strings.Contains(lines, "schedule replay") || tc.err != "" && !strings.Contains(lines, tc.err) {
			t.Errorf("%v: want replay error %q, got\n%s", tc.sched, tc.err, lines)
		}
		if tc.err == "" && res.Deadlock != tc.deadlock {
			t.Errorf("%v: deadlock %v, want %v\n%s", tc.sched, res.Deadlock, tc.deadlock, lines)
		}
	}
	if s, err := ParseSchedule("a* b*2 c"); err != nil || !slices.Equal(s, []string{"a*", "b", "b", "c"}) {
		t.Errorf("ParseSchedule(\"a* b*2 c\") = %v, %v", s, err)
	}
	if _, err := ParseSchedule("*"); err == nil {
		t.Error("ParseSchedule(\"*\") accepted")
	}
}

// An expectation whose line is off names where its finding was reported:
// line numbers are absolute, so a line added above a statement moves the
// finding away from the number an expect line gives.
func TestExpectAtStaleLine(t *testing.T) {
	src := abba + "expect deadlock at 1\nexpect violation \"lockdep/circular\" at 2\n"
	p, err := LoadSource("stale.mms", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	ms := CheckExploration(p, Explore(p, ExploreOptions{}))
	var got []string
	for _, m := range ms {
		got = append(got, m.String())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		"stale.mms:5:1: expect deadlock at 1 sometimes does not hold over the explored interleavings: Never (0 of",
		"the same finding was reported at line 4: did the script's lines move?",
		"stale.mms:6:1: expect violation \"lockdep/circular\" at 2 sometimes does not hold",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in\n%s", want, all)
		}
	}
	if strings.Count(all, "did the script's lines move") != 2 {
		t.Errorf("want the hint on both lines:\n%s", all)
	}
}
