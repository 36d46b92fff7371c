package interp

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// fuzzMaxSteps keeps fuzz runs short: enough for every example to finish.
const fuzzMaxSteps = 20_000

// FuzzRun parses, compiles and runs arbitrary scripts. It checks that
// nothing panics (in the interpreter or in a runtime operation), that a
// run terminates (the step limit bounds the statements, and nothing inside
// one operation may loop for long), that compile errors are positioned in
// the file, and that every diagnostic has a position in the file
// (Line >= 1).
//
// Positions: a violation or error is reported at the statement or call
// being executed; a leak at the end of a thread is reported at its closing
// brace, and at the end of the file for the set-up code. A deadlock is
// reported at the call the first blocked thread waits in, which is always
// a script call (a lock taken inside an operation, e.g. munmap's
// vma_start_write, blocks at the operation's call). So every diagnostic
// must have a valid position. Related positions may be invalid only for
// lockdep's seeded documented-order edges, which no script made.
//
// A deadlock report's schedule, parsed back, must replay the same
// diagnostics.
//
// testdata/fuzz/FuzzRun keeps inputs that once crashed or hung: huge_ranges
// is a reduced script of TestGeneratedScripts that looped for minutes inside
// one remap_pfn_range (a huge size walked page by page; fixed in runtime by
// 0fa498d and 0c3089a).
//
//	go test -run '^$' -fuzz FuzzRun -fuzztime 5m -fuzzminimizetime 0 ./interp
func FuzzRun(f *testing.F) {
	for _, pattern := range []string{"../examples/*.mms", "../examples/*/*.mms", "testdata/*.mms"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range files {
			src, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(src))
		}
	}
	for _, s := range benchScripts {
		f.Add(s.src)
	}
	for _, tc := range compileErrorTests {
		f.Add(tc.src)
	}
	for _, tc := range runtimeErrorTests {
		f.Add(tc.src)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 40 {
		f.Add(genScript(r))
	}
	f.Fuzz(func(t *testing.T, src string) {
		const filename = "fuzz.mms"
		var (
			prog   *Program
			err    error
			res    *Result
			replay *Result
			done   = make(chan struct{})
		)
		go func() {
			defer close(done)
			prog, err = LoadSource(filename, []byte(src))
			if err != nil {
				return
			}
			res = Run(prog, Options{MaxSteps: fuzzMaxSteps})
			if res.Deadlock {
				d := deadlockOf(res)
				if d == nil {
					return
				}
				s, perr := ParseSchedule(d.Schedule)
				if perr != nil {
					t.Errorf("ParseSchedule(%q): %v", d.Schedule, perr)
					return
				}
				replay = Run(prog, Options{MaxSteps: fuzzMaxSteps, Schedule: s})
			}
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("run does not terminate")
		}
		if err != nil {
			var list lang.ErrorList
			if !asErrorList(err, &list) {
				t.Fatalf("load error %v (%T) is not an ErrorList", err, err)
			}
			for _, e := range list {
				if e.Pos.Line < 1 || e.Msg == "" {
					t.Errorf("load error %q has bad position %+v", e.Msg, e.Pos)
				}
			}
			return
		}
		// The limit is each thread's (the set-up code counting as one):
		// a thread that loops stops at fuzzMaxSteps+1 while the others
		// have run their own statements.
		if limit := int64(fuzzMaxSteps+1) * int64(len(prog.threads)+1); res.Steps > limit {
			t.Errorf("ran %d steps, limit %d for %d threads and the set-up", res.Steps, limit, len(prog.threads))
		}
		for _, d := range res.Diagnostics {
			checkDiagPos(t, filename, d)
		}
		if res.Deadlock {
			d := deadlockOf(res)
			if d == nil {
				t.Fatalf("Result.Deadlock without a deadlock diagnostic: %v", res.Diagnostics)
			}
			if replay != nil && !slices.Equal(diagStrings(res), diagStrings(replay)) {
				t.Errorf("replaying %q gives\n%v\nwant\n%v", d.Schedule, diagStrings(replay), diagStrings(res))
			}
		}
	})
}

func checkDiagPos(t *testing.T, filename string, d *rt.Diagnostic) {
	t.Helper()
	// Inside a kernel path (the kernel library) a finding is at the
	// library's line, and names the script's call among its related lines.
	if d.Pos.Line < 1 || d.Pos.Filename != filename && !strings.HasPrefix(d.Pos.Filename, "kernel/") {
		t.Errorf("diagnostic without a position: %+v", d)
	}
	for _, r := range d.Related {
		if r.Pos.Line < 1 && d.Rule != "lockdep/circular" {
			t.Errorf("related position invalid in %s", d)
		}
	}
	if d.Msg == "" {
		t.Errorf("diagnostic without a message: %+v", d)
	}
}
