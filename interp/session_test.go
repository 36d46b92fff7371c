package interp

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	rt "github.com/mmscript/mmscript/runtime"
)

// newTestSession returns a session whose output and findings (one line
// each, "rule@line") go to out.
func newTestSession(out *bytes.Buffer) *Session {
	return NewSession(SessionOptions{Output: out, OnDiag: func(d *rt.Diagnostic) {
		fmt.Fprintf(out, "finding %s@%d\n", d.Rule, d.Pos.Line)
	}})
}

func evalAll(t *testing.T, s *Session, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if err := s.Eval(l); err != nil {
			t.Fatalf("Eval(%q): %v", l, err)
		}
	}
}

func TestSessionLocksAcrossLines(t *testing.T) {
	var out bytes.Buffer
	s := newTestSession(&out)
	evalAll(t, s, "mm m", "mmap_write_lock(m)", "find_vma(m, 0)", "mmap_write_unlock(m)", "find_vma(m, 0)")
	// Held from line 2 to line 4: only line 5's lookup is unlocked.
	if got := out.String(); !strings.Contains(got, "@5\n") || strings.Contains(got, "@3") {
		t.Errorf("findings:\n%s", got)
	}
	if n := strings.Count(out.String(), "finding"); n != 1 {
		t.Errorf("%d findings, want 1:\n%s", n, out.String())
	}
	if h := s.Main().Task.Holds(); len(h) != 0 {
		t.Errorf("main holds %d locks after unlocking", len(h))
	}
}

func TestSessionRunsEachLineOnce(t *testing.T) {
	var out bytes.Buffer
	s := newTestSession(&out)
	evalAll(t, s, `print("a")`, "x = 1", `print("b")`, "x = x + 1", "x")
	if got, want := out.String(), "main: \"a\"\nmain: \"b\"\n2\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}

func TestSessionFindingsOnceAndInOrder(t *testing.T) {
	var out bytes.Buffer
	s := newTestSession(&out)
	// A recursive lock and an unbalanced unlock: today's REPL never
	// showed these (it picked findings by count from a re-run).
	evalAll(t, s, "mm m", "mmap_read_lock(m)", "mmap_read_lock(m)", `print("between")`,
		"mmap_read_unlock(m)", "mmap_read_unlock(m)", "mmap_read_unlock(m)")
	want := "finding lock/recursive@3\nmain: \"between\"\nfinding lock/unlock-not-held@7\n"
	if got := out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestSessionGoesOnAfterErrors(t *testing.T) {
	var out bytes.Buffer
	s := newTestSession(&out)
	evalAll(t, s, "mm m", "mmap_read_lock(m)", "assert false", "vma v = nil", "v.vm_start", "1/0", `print("ok")`)
	if err := s.Eval("mmap_read_unlock(0)"); err == nil {
		t.Error("the static type check let an int for an mm through")
	}
	got := out.String()
	for _, w := range []string{"finding assert@3", "finding error@5", "finding error@6", `main: "ok"`} {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in\n%s", w, got)
		}
	}
	// The lock taken before the errors is still held.
	if h := s.Main().Task.Holds(); len(h) != 1 {
		t.Errorf("main holds %d locks, want 1", len(h))
	}
}

func TestSessionCompileErrorChangesNothing(t *testing.T) {
	var out bytes.Buffer
	s := newTestSession(&out)
	evalAll(t, s, "mm m")
	err := s.Eval("x = 1; func f() { nosuch() }; thread t { y = 2 }; ops o { fault(vmf) { return 0 } }")
	if err == nil {
		t.Fatal("no compile error")
	}
	if !strings.Contains(err.Error(), "<stdin>:2:") {
		t.Errorf("error %v not at line 2", err)
	}
	// None of the chunk's declarations survived: each may be made again.
	evalAll(t, s, "x = 5", "func f() { return 1 }", "thread t { y = 2 }", "ops o { fault(vmf) { return 0 } }", "f() + x")
	if !strings.HasSuffix(out.String(), "6\n") {
		t.Errorf("output %q", out.String())
	}
	if err := s.Eval("func f() { return 2 }"); err == nil || !strings.Contains(err.Error(), "redeclared") {
		t.Errorf("redeclaring f: %v", err)
	}
	if err := s.Check("mmap_read_lock(nosuch)"); err == nil {
		t.Error("Check accepted an undefined name")
	}
}

func TestSessionThreadsStepAndRun(t *testing.T) {
	var out bytes.Buffer
	s := newTestSession(&out)
	evalAll(t, s, "mm m", "thread a {\n  mmap_write_lock(m)\n  mmap_write_unlock(m)\n}", "thread b { mmap_read_lock(m); mmap_read_unlock(m) }")
	if st := s.State(s.Thread("a")); st != "not started" {
		t.Errorf("a: %s", st)
	}
	if n, err := s.Step("a", 1); n != 1 || err != nil {
		t.Fatalf("Step: %d, %v", n, err)
	}
	if h := s.Thread("a").Task.Holds(); len(h) != 1 {
		t.Fatalf("a holds %d locks after one step", len(h))
	}
	// b blocks behind a's write lock.
	s.Step("b", 1)
	if !s.Thread("b").Task.Blocked() {
		t.Fatalf("b: %s", s.State(s.Thread("b")))
	}
	if n := s.Run(); n == 0 {
		t.Fatal("Run took no turns")
	}
	for _, n := range []string{"a", "b"} {
		if st := s.State(s.Thread(n)); st != "exited" {
			t.Errorf("%s: %s", n, st)
		}
	}
	if _, err := s.Step("a", 1); err == nil {
		t.Error("stepping an exited thread")
	}
	if _, err := s.Step("nosuch", 1); err == nil {
		t.Error("stepping an unknown thread")
	}
	if strings.Contains(out.String(), "finding") {
		t.Errorf("findings:\n%s", out.String())
	}
	if got := FormatSchedule(s.Schedule()); !strings.Contains(got, "a b") {
		t.Errorf("schedule %s", got)
	}
}

func TestSessionWaitingOnMainIsNotADeadlock(t *testing.T) {
	var out bytes.Buffer
	s := newTestSession(&out)
	evalAll(t, s, "mm m", "mmap_write_lock(m)", "thread t { mmap_read_lock(m); mmap_read_unlock(m) }")
	s.Run()
	if strings.Contains(out.String(), "deadlock") {
		t.Fatalf("reported a deadlock while main can still unlock:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "release it at the prompt") {
		t.Errorf("no note:\n%s", out.String())
	}
	evalAll(t, s, "mmap_write_unlock(m)")
	s.Run()
	if st := s.State(s.Thread("t")); st != "exited" {
		t.Errorf("t: %s", st)
	}
	// A self-deadlock of the top-level thread is one, and the session
	// goes on in a new top-level thread.
	out.Reset()
	evalAll(t, s, "mmap_write_lock(m)", "mmap_write_lock(m)")
	if !strings.Contains(out.String(), "finding deadlock@") {
		t.Errorf("no deadlock:\n%s", out.String())
	}
	evalAll(t, s, "x = 1")
	if s.Main().Name != "main#2" {
		t.Errorf("top-level thread %s, want main#2", s.Main().Name)
	}
}

func TestSessionScriptRoundTrip(t *testing.T) {
	var out bytes.Buffer
	s := newTestSession(&out)
	evalAll(t, s, "mm m", "file f", "m", "thread t1 {\n  i_mmap_lock_write(f)\n  mmap_write_lock(m)\n  mmap_write_unlock(m)\n  i_mmap_unlock_write(f)\n}",
		"thread t2 { mmap_write_lock(m); i_mmap_lock_write(f); i_mmap_unlock_write(f); mmap_write_unlock(m) }")
	src, lines := s.Script()
	if _, err := LoadSource("saved.mms", []byte(src)); err != nil {
		t.Fatalf("saved session does not compile: %v\n%s", err, src)
	}
	if n := strings.Count(src, "\n"); n != len(lines) {
		t.Errorf("%d lines, %d positions", n, len(lines))
	}
	if !strings.Contains(src, "# m\n") {
		t.Errorf("echoed expression not commented:\n%s", src)
	}
	res, why, err := s.Explore(ExploreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if why != "" {
		t.Errorf("a session with no thread steps explored from the start: %s", why)
	}
	var found []string
	for _, f := range res.Findings {
		found = append(found, f.Diag.Rule+"@"+f.Diag.Pos.String())
	}
	// Positions are the session's, not the saved script's.
	want := []string{"lockdep/circular@<stdin>:6:3", "deadlock@<stdin>:6:3"}
	for _, w := range want {
		if !strings.Contains(strings.Join(found, " "), w) {
			t.Errorf("explore found %v, want %s", found, w)
		}
	}
}

func TestSessionLoad(t *testing.T) {
	var out bytes.Buffer
	s := newTestSession(&out)
	if err := s.Load("f.mms", []byte("mm m\nmmap_read_lock(m)\nexpect ok\n")); err != nil {
		t.Fatal(err)
	}
	evalAll(t, s, "mmap_read_lock(m)")
	if !strings.Contains(out.String(), "finding lock/recursive@1") {
		t.Errorf("output:\n%s", out.String())
	}
	src, _ := s.Script()
	if !strings.Contains(src, "# expect ok") {
		t.Errorf("a loaded file's expect line is kept:\n%s", src)
	}
}

func TestSessionViews(t *testing.T) {
	var out bytes.Buffer
	s := newTestSession(&out)
	evalAll(t, s, "mm m", "mmap(m, 0x100000, pages=4, prot=rw, flags=private)", "mmap_read_lock(m)",
		"touch(m, 0x100000, write)", "pte p = pte_offset_map_lock(m, 0x100000)")
	locks := s.Locks()
	for _, w := range []string{"3 locks held by main/0:", " #0: m->mmap_lock (&mm->mmap_lock){read}, at: <stdin>:3:1", " #1: (rcu_read_lock), at: <stdin>:5:9", " #2: m->pte_lock(0x0) (ptlock_ptr(ptdesc)), at: <stdin>:5:9"} {
		if !strings.Contains(locks, w) {
			t.Errorf("Locks lacks %q:\n%s", w, locks)
		}
	}
	maps := s.Maps()
	for _, w := range []string{"00100000-00104000 rw-p 00000000", "Rss:                   4 kB", "Pages:          a3.", "VmFlags: rd wr"} {
		if !strings.Contains(maps, w) {
			t.Errorf("Maps lacks %q:\n%s", w, maps)
		}
	}
	pt, err := s.PageWalk("", 0x100000)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"PTE[256]", "present", "m->pte_lock(0x0): held by main", "m->mmap_lock: held by main (read)"} {
		if !strings.Contains(pt, w) {
			t.Errorf("PageWalk lacks %q:\n%s", w, pt)
		}
	}
	if _, err := s.PageWalk("nosuch", 0); err == nil {
		t.Error("PageWalk of an unknown mm")
	}
}

// BenchmarkSessionPaste runs 2,000 pasted lines through a session, as a
// paste into the REPL does: each line is compiled and run once.
func BenchmarkSessionPaste(b *testing.B) {
	lines := []string{"mm m", "file f", "vma v = mmap(m, 0x100000, pages=16, prot=rw, flags=shared, file=f)"}
	for i := 0; len(lines) < 2000; i++ {
		lines = append(lines,
			"mmap_read_lock(m)",
			fmt.Sprintf("v%d = find_vma(m, 0x100000 + %d * PAGE_SIZE)", i, i%16),
			"mmap_read_unlock(m)",
			fmt.Sprintf("assert touch(m, 0x100000 + %d * PAGE_SIZE, write)", i%16))
	}
	lines = lines[:2000]
	b.ReportAllocs()
	for b.Loop() {
		var out bytes.Buffer
		s := newTestSession(&out)
		for _, l := range lines {
			if err := s.Eval(l); err != nil {
				b.Fatal(err)
			}
		}
		if out.Len() != 0 {
			b.Fatalf("unexpected output:\n%s", out.String())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/2000, "ns/line")
}

func TestSessionInterrupt(t *testing.T) {
	var out bytes.Buffer
	stop := new(atomic.Bool)
	s := NewSession(SessionOptions{Output: &out, MaxSteps: 1 << 40, Interrupt: stop, OnDiag: func(d *rt.Diagnostic) {
		fmt.Fprintf(&out, "finding %s: %s\n", d.Rule, d.Msg)
	}})
	go func() {
		time.Sleep(20 * time.Millisecond)
		stop.Store(true)
	}()
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Eval("x = 0; repeat 1000000000000 { x = x + 1 }")
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the interrupt did not stop the loop")
	}
	if !strings.Contains(out.String(), "finding error: interrupted") {
		t.Errorf("output:\n%s", out.String())
	}
	// The next input runs; the interrupt is cleared.
	evalAll(t, s, "x > 0")
	if !strings.HasSuffix(out.String(), "true\n") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestSessionMainHangsWhileAThreadSteps(t *testing.T) {
	var out bytes.Buffer
	s := newTestSession(&out)
	evalAll(t, s, "mm m", "file f", "thread t { mmap_write_lock(m); i_mmap_lock_write(f) }", "i_mmap_lock_write(f)")
	s.Step("t", 1) // t holds the mmap lock
	evalAll(t, s, "mmap_read_lock(m)")
	// main waits for t, which may still run: no deadlock yet.
	if strings.Contains(out.String(), "deadlock") {
		t.Fatalf("early deadlock:\n%s", out.String())
	}
	s.Step("t", 1) // t waits for main: a cycle
	if !strings.Contains(out.String(), "finding deadlock@") {
		t.Fatalf("no deadlock:\n%s", out.String())
	}
	if err := s.Eval("x = 1"); err != nil {
		t.Fatalf("the session did not go on: %v", err)
	}
	if s.Main().Name != "main#2" {
		t.Errorf("top-level thread %s", s.Main().Name)
	}
}

func TestSessionScriptKeepsStatementsBesideEchoes(t *testing.T) {
	var out bytes.Buffer
	s := newTestSession(&out)
	evalAll(t, s, "x = 1; x + 1; y = x", "y", "z = y # a comment", "1 + 1; thread t { w = 2 }")
	src, _ := s.Script()
	prog, err := LoadSource("saved.mms", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	for _, w := range []string{"x = 1;", "y = x", "# y\n", "z = y # a comment", "thread t { w = 2 }"} {
		if !strings.Contains(src, w) {
			t.Errorf("saved script lacks %q:\n%s", w, src)
		}
	}
	if len(prog.threads) != 1 {
		t.Errorf("%d threads", len(prog.threads))
	}
}

// TestSessionScriptKeepsEchoedCalls: an echoed expression that calls
// something acted at the prompt (mmap_read_trylock took the lock), so the
// saved script and Explore keep it, as `_ = EXPR`.
func TestSessionScriptKeepsEchoedCalls(t *testing.T) {
	var out bytes.Buffer
	s := newTestSession(&out)
	evalAll(t, s, "mm m", "mmap_read_trylock(m) == true", "m.mmap_lock")
	src, lines := s.Script()
	if !strings.Contains(src, "\n_ = mmap_read_trylock(m) == true\n") || !strings.Contains(src, "# m.mmap_lock\n") {
		t.Errorf("saved script:\n%s", src)
	}
	if n := strings.Count(src, "\n"); n != len(lines) {
		t.Errorf("%d lines, %d positions", n, len(lines))
	}
	// The saved script takes the lock, as the session did: held at exit.
	prog, err := LoadSource("saved.mms", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	held := false
	for _, d := range Run(prog, Options{}).Diagnostics {
		held = held || d.Rule == "lock/held-at-exit"
	}
	if !held {
		t.Errorf("the saved script does not take the lock:\n%s", src)
	}
	res, _, err := s.Explore(ExploreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range res.Findings {
		found = found || f.Diag.Rule == "lock/held-at-exit"
	}
	if !found {
		t.Error("Explore left out the echoed call: no lock held at exit")
	}
}

// Explore keeps to the steps taken: after t1 took i_mmap_rwsem and t2 the
// mmap lock, every interleaving deadlocks, and no run finishes.
func TestSessionExploreFromHere(t *testing.T) {
	var out bytes.Buffer
	s := newTestSession(&out)
	evalAll(t, s, "mm m", "file f", "thread t1 { i_mmap_lock_write(f); mmap_write_lock(m); mmap_write_unlock(m); i_mmap_unlock_write(f) }",
		"thread t2 { mmap_write_lock(m); i_mmap_lock_write(f); i_mmap_unlock_write(f); mmap_write_unlock(m) }")
	whole, _, err := s.Explore(ExploreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Step("t1", 1)
	s.Step("t2", 1)
	here, why, err := s.Explore(ExploreOptions{})
	if err != nil || why != "" {
		t.Fatalf("Explore: %v, not from here: %s", err, why)
	}
	if here.Executions >= whole.Executions {
		t.Errorf("from here %d executions, from the start %d: the prefix was not kept", here.Executions, whole.Executions)
	}
	for _, f := range here.Findings {
		if !strings.HasPrefix(FormatSchedule(f.Schedule), "t1 t2") {
			t.Errorf("finding %s with schedule %v, not after the steps taken", f.Diag.Rule, f.Schedule)
		}
	}
	// Looking at the state after the steps (an echoed expression that
	// calls nothing) changes nothing: still from here.
	evalAll(t, s, "m.mmap_lock", "f")
	if again, why, err := s.Explore(ExploreOptions{}); err != nil || why != "" || again.Executions != here.Executions {
		t.Errorf("after looking at the state: %v, not from here: %q, %d executions (%d before)", err, why, again.Executions, here.Executions)
	}
	// Top-level code after the steps runs in its place, after them:
	// still from here, and the saved script says it cannot replay that.
	evalAll(t, s, "x = 1")
	if again, why, err := s.Explore(ExploreOptions{}); err != nil || why != "" || again.Executions != here.Executions {
		t.Errorf("after top-level code: %v, not from here: %q, %d executions (%d before)", err, why, again.Executions, here.Executions)
	}
	if src, _ := s.Script(); !strings.Contains(src, "top-level code ran between the threads' turns") {
		t.Errorf("the saved script does not say it cannot replay the turns:\n%s", src)
	}
}

// TestSessionChunkCostFlat: what a chunk costs to compile and check does
// not grow with the number of variables the session declared before it
// (the type check once copied every global's type per chunk, quadratic
// in the length of a pasted session).
func TestSessionChunkCostFlat(t *testing.T) {
	bytesFor := func(before int) uint64 {
		var out bytes.Buffer
		s := newTestSession(&out)
		for i := range before {
			if err := s.Eval(fmt.Sprintf("g%d = %d", i, i)); err != nil {
				t.Fatal(err)
			}
		}
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		for i := range 100 {
			if err := s.Check(fmt.Sprintf("h%d = g1 + %d", i, i)); err != nil {
				t.Fatal(err)
			}
			if err := s.Eval(fmt.Sprintf("k%d = g1 + %d", i, i)); err != nil {
				t.Fatal(err)
			}
		}
		runtime.ReadMemStats(&m1)
		return m1.TotalAlloc - m0.TotalAlloc
	}
	small, large := bytesFor(50), bytesFor(5000)
	if large > 2*small {
		t.Errorf("100 chunks allocate %d bytes after 50 globals, %d after 5000: a chunk's cost grows with the session", small, large)
	}
}

// TestSessionTypedExpects: typed expect lines are checked as the saved
// script's are (one check, compile.go's), not by a copy of their own that
// rejected any expect ok beside another expectation.
func TestSessionTypedExpects(t *testing.T) {
	for _, tc := range []struct {
		lines []string
		want  string // the last line's error, "" for none
	}{
		{[]string{`expect violation "x"`, `expect ok sometimes`}, ""},
		{[]string{`expect violation "x" never`, `expect ok`}, ""},
		{[]string{`expect ok always`, `expect deadlock`},
			"<stdin>:2:1: expect ok conflicts with the other expectations (say expect ok sometimes, or never)"},
		{[]string{`expect violation "x"`, `expect ok`},
			"<stdin>:2:1: expect ok conflicts with the other expectations (say expect ok sometimes, or never)"},
		{[]string{`expect single_run "x"`},
			"<stdin>:1:1: expect single_run takes no message, line or quantifier"},
		{[]string{`expect single_run`, `expect ok`}, ""},
	} {
		var out bytes.Buffer
		s := newTestSession(&out)
		var err error
		for i, l := range tc.lines {
			err = s.Eval(l)
			if i < len(tc.lines)-1 && err != nil {
				t.Fatalf("%q: %v", l, err)
			}
		}
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.lines, got, tc.want)
		}
	}
}

// TestSessionSaveThreadTurns: the saved session says how to replay the
// turns its threads took at the prompt, and a run with that schedule takes
// them; when top-level code ran between them, it says why it cannot.
func TestSessionSaveThreadTurns(t *testing.T) {
	var out bytes.Buffer
	s := newTestSession(&out)
	evalAll(t, s, "mm m", "thread a {\n  mmap_read_lock(m)\n  mmap_read_unlock(m)\n}", "thread b {\n  mmap_write_lock(m)\n  mmap_write_unlock(m)\n}")
	for _, step := range []string{"a", "b", "a"} {
		if _, err := s.Step(step, 1); err != nil {
			t.Fatal(err)
		}
	}
	src, _ := s.Script()
	const want = "#   mmscript run -schedule 'a b a' FILE\n"
	if !strings.Contains(src, want) {
		t.Fatalf("saved session lacks %q:\n%s", want, src)
	}
	prog, err := LoadSource("saved.mms", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	res := Run(prog, Options{Schedule: []string{"a", "b", "a"}})
	if got := res.Schedule(); len(got) < 3 || got[0] != "a" || got[1] != "b" || got[2] != "a" {
		t.Errorf("replayed schedule %v", got)
	}
	evalAll(t, s, "x = 1")
	if _, err := s.Step("b", 1); err != nil {
		t.Fatal(err)
	}
	src, _ = s.Script()
	if !strings.Contains(src, "# This script cannot replay them: top-level code ran between the threads' turns") {
		t.Errorf("saved session does not say why it cannot replay the turns:\n%s", src)
	}
}

// TestSessionExploreInterrupted: a canceled context (Ctrl-C at the
// prompt) stops the search, which says it was interrupted and proves
// nothing, and the session goes on.
func TestSessionExploreInterrupted(t *testing.T) {
	var out bytes.Buffer
	s := newTestSession(&out)
	// Two threads of 10^6 lock round trips each: a search far longer
	// than the test.
	evalAll(t, s, "mm m",
		"thread t1 { repeat 1000000 { mmap_read_lock(m); mmap_read_unlock(m) } }",
		"thread t2 { repeat 1000000 { mmap_write_lock(m); mmap_write_unlock(m) } }")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	res, _, err := s.Explore(ExploreOptions{Context: ctx})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the search went on for %v after it was canceled", d)
	}
	if res.Complete || res.Stopped != "interrupted" {
		t.Fatalf("complete=%v stopped=%q", res.Complete, res.Stopped)
	}
	if msg := IncompleteText(res); !strings.HasPrefix(msg, "search interrupted after") || !strings.Contains(msg, "nothing is proved") {
		t.Errorf("IncompleteText: %s", msg)
	}
	// Canceled before it starts: no search at all.
	res, _, _ = s.Explore(ExploreOptions{Context: ctx})
	if res.Stopped != "interrupted" || res.Executions > 1 {
		t.Errorf("a canceled context explored %d executions (stopped %q)", res.Executions, res.Stopped)
	}
	evalAll(t, s, "mmap_read_lock(m)", "mmap_read_unlock(m)")
}
