package main

import (
	"flag"
	"fmt"
	"io"
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
	passed, failed := 0, 0
	doc := &rt.Document{Command: "test"}
	for _, f := range files {
		eo := &o
		if *single {
			eo = nil
		}
		w := stdout
		if *asJSON {
			w = io.Discard
		}
		rep := &rt.ScriptReport{File: f}
		if testOne(f, limits, kc, eo, w, rep) {
			failed++
		} else {
			passed++
		}
		doc.Add(rep)
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
