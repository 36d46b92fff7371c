package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"iter"
	"path/filepath"
	"runtime"
	"time"

	"github.com/mmscript/mmscript/interp"
	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// DefaultTestMaxStates is test's state budget per script: enough for every
// example's full search, small enough to keep the suite quick. A script
// that needs more fails with a message naming the budget.
const DefaultTestMaxStates = 2_000_000

func cmdTest(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("test", flag.ContinueOnError)
	fl.SetOutput(stderr)
	single := fl.Bool("single", false, "check each script on its default run only, not over its interleavings")
	ef := addExploreFlags(fl, DefaultTestMaxStates, 60*time.Second)
	fl.Bool("explore", true, "accepted for compatibility: test explores by default")
	asJSON := fl.Bool("json", false, "print one JSON document (docs/mmscript.schema.json) on stdout")
	kernel := kernelFlags(fl)
	limits := limitFlags(fl)
	threadsFlag(fl, limits)
	if err := fl.Parse(args); err != nil {
		return 2
	}
	kc, err := kernel()
	if err != nil {
		fmt.Fprintln(stderr, "mmscript:", err)
		return 2
	}
	if fl.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: mmscript test [-single] [-max-states N] [-timeout D] [-preemptions K] DIR|FILE...")
		return 2
	}
	o, err := ef.options()
	if err != nil {
		fmt.Fprintln(stderr, "mmscript:", err)
		return 2
	}
	o.Kernel = kc
	files, err := scripts(fl.Args())
	if err != nil {
		fmt.Fprintln(stderr, "mmscript:", err)
		return 2
	}
	eo := &o
	if *single {
		eo = nil
	} else if o.Workers == 0 {
		// The scripts run side by side, one searcher each: findings and
		// verdicts are the same for any worker count, and a small
		// script's search cannot keep two workers busy.
		o.Workers = 1
	}
	w := stdout
	if *asJSON {
		w = io.Discard
	}
	passed, failed := 0, 0
	doc := &rt.Document{Command: "test"}
	// One line a directory once its last script is done, as go test
	// prints one a package, so that a long suite shows it is moving.
	left := map[string]int{}
	for _, f := range files {
		left[filepath.Dir(f)]++
	}
	dirFailed := map[string]bool{}
	for i, r := range testAll(files, limits, kc, eo) {
		w.Write(r.out.Bytes())
		if r.failed {
			failed++
		} else {
			passed++
		}
		doc.Add(r.rep)
		dir := filepath.Dir(files[i])
		dirFailed[dir] = dirFailed[dir] || r.failed
		if left[dir]--; left[dir] == 0 {
			status := "ok  "
			if dirFailed[dir] {
				status = "FAIL"
			}
			fmt.Fprintf(w, "%s %s\n", status, dir)
		}
	}
	code := 0
	if failed > 0 || len(files) == 0 {
		code = 1
	}
	if *asJSON {
		return writeDocument(doc, stdout, stderr, code)
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	return code
}

// testResult is one script's part of test's output.
type testResult struct {
	out    bytes.Buffer
	rep    *rt.ScriptReport
	failed bool
}

// testAll checks the scripts on every core and yields their results in
// the order of files, each as soon as it and those before it are done:
// the output is the same as one script after another would print.
func testAll(files []string, limits *lang.Limits, kc rt.KernelConfig, eo *interp.ExploreOptions) iter.Seq2[int, *testResult] {
	return func(yield func(int, *testResult) bool) {
		results := make([]*testResult, len(files))
		done := make([]chan struct{}, len(files))
		for i := range files {
			results[i], done[i] = &testResult{rep: &rt.ScriptReport{File: files[i]}}, make(chan struct{})
		}
		next := make(chan int)
		stop := make(chan struct{})
		defer close(stop)
		for range min(runtime.GOMAXPROCS(0), len(files)) {
			go func() {
				for i := range next {
					r := results[i]
					r.failed = testOne(files[i], limits, kc, eo, &r.out, r.rep)
					close(done[i])
				}
			}()
		}
		go func() {
			defer close(next)
			for i := range files {
				select {
				case next <- i:
				case <-stop:
					return
				}
			}
		}()
		for i := range files {
			<-done[i]
			if !yield(i, results[i]) {
				return
			}
		}
	}
}

// testOne checks one script against its expectations over its
// interleavings or, with eo nil or when the script says expect
// single_run, in its default run; it prints each mismatch and reports
// whether the script failed.
//
// rep receives the script's part of the -json document: its findings, the
// run or exploration that made them, and the mismatches. A Go panic (a bug
// in mmscript) fails the script and the others still run.
func testOne(file string, limits *lang.Limits, kc rt.KernelConfig, eo *interp.ExploreOptions, w io.Writer, rep *rt.ScriptReport) (failed bool) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(w, "FAIL %s: internal error (a bug in mmscript; please report it): %v\n", file, r)
			rep.File, rep.Status = file, "fail"
			failed = true
		}
	}()
	prog, err := load(file, limits)
	if err != nil {
		*rep = *loadFailed(file, err)
		rep.Status = "fail"
		fmt.Fprintf(w, "FAIL %s: does not compile:\n", file)
		printLoadError(w, err, limits)
		return true
	}
	kernelNote(w, prog, kc)
	var ms []interp.Mismatch
	if eo != nil && !prog.SingleRun() {
		res := interp.Explore(prog, *eo)
		ms = interp.CheckExploration(prog, res)
		*rep = *exploreReport(file, res, *eo)
	} else {
		opts := interp.Options{Kernel: kc}
		res := interp.Run(prog, opts)
		ms = interp.CheckExpectations(prog, res)
		*rep = *runReport(file, prog, opts, res, "")
	}
	rep.Status = "pass"
	for _, m := range ms {
		rep.Mismatches = append(rep.Mismatches, rt.Mismatch{Pos: m.Pos, Msg: m.Msg})
	}
	if len(ms) == 0 {
		return false
	}
	rep.Status = "fail"
	fmt.Fprintf(w, "FAIL %s\n", file)
	for _, m := range ms {
		fmt.Fprintf(w, "\t%s\n", m)
	}
	return true
}
