package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/mmscript/mmscript/interp"
	rt "github.com/mmscript/mmscript/runtime"
)

func cmdTest(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("test", flag.ContinueOnError)
	fl.SetOutput(stderr)
	explore := fl.Bool("explore", false, "check expectations over every interleaving within -preemptions")
	preempt := fl.Int("preemptions", 2, "preemption bound with -explore (-1: unbounded)")
	maxRuns := fl.Int("max-runs", interp.DefaultMaxRuns, "run budget per script with -explore")
	asJSON := fl.Bool("json", false, "print one JSON document (docs/mmscript.schema.json) on stdout")
	kernel := kernelFlags(fl)
	if err := fl.Parse(args); err != nil {
		return 2
	}
	kc, err := kernel()
	if err != nil {
		fmt.Fprintln(stderr, "mmscript:", err)
		return 2
	}
	if fl.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: mmscript test [-explore [-preemptions K] [-max-runs N]] DIR|FILE...")
		return 2
	}
	files, err := scripts(fl.Args())
	if err != nil {
		fmt.Fprintln(stderr, "mmscript:", err)
		return 2
	}
	passed, failed := 0, 0
	doc := &rt.Document{Command: "test"}
	for _, f := range files {
		var eo *interp.ExploreOptions
		if *explore {
			eo = &interp.ExploreOptions{Preemptions: *preempt, MaxRuns: *maxRuns, Kernel: kc}
		}
		w := stdout
		if *asJSON {
			w = io.Discard
		}
		rep := &rt.ScriptReport{File: f}
		if testOne(f, kc, eo, w, rep) {
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

// testOne checks one script against its expectations, in the default run
// or, with eo, over its interleavings; it prints each mismatch and reports
// whether the script failed.
//
// rep receives the script's part of the -json document: its findings, the
// run or exploration that made them, and the mismatches.
func testOne(file string, kc rt.KernelConfig, eo *interp.ExploreOptions, w io.Writer, rep *rt.ScriptReport) bool {
	prog, err := interp.Load(file)
	if err != nil {
		*rep = *loadFailed(file, err)
		rep.Status = "fail"
		fmt.Fprintf(w, "FAIL %s: does not compile:\n", file)
		printLoadError(w, err)
		return true
	}
	var ms []interp.Mismatch
	if eo != nil {
		res := interp.Explore(prog, *eo)
		ms = interp.CheckExploration(prog, res)
		ds := make([]*rt.Diagnostic, len(res.Findings))
		for i, f := range res.Findings {
			d := *f.Diag
			if d.Schedule == "" {
				d.Schedule = interp.FormatSchedule(f.Schedule)
			}
			ds[i] = &d
		}
		*rep = *exploreReport(file, ds, int64(res.Runs), int64(eo.MaxRuns), eo.Preemptions, res.Complete)
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
