package main

import (
	"fmt"
	"io"
	"os"

	"github.com/mmscript/mmscript/interp"
	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// newPrinter makes the report printer for w: coloured only when w is a
// terminal and NO_COLOR is not set. It reads scripts for their source
// lines within limits (nil: the defaults), those the scripts were read
// with: a script read under a raised -max-file-size gets its source lines.
func newPrinter(w io.Writer, limits *lang.Limits) *rt.Printer {
	f, ok := w.(*os.File)
	p := rt.NewPrinter(w, ok && rt.UseColor(f))
	if limits != nil {
		p.SetMaxFileSize(limits.MaxFileSize)
	}
	return p
}

// writeDocument prints doc as the command's one JSON document and returns
// the exit code.
func writeDocument(doc *rt.Document, stdout, stderr io.Writer, code int) int {
	if err := doc.Write(stdout, code); err != nil {
		fmt.Fprintln(stderr, "mmscript:", err)
		return 2
	}
	return code
}

// loadFailed is the report of a script that does not load.
func loadFailed(file string, err error) *rt.ScriptReport {
	return &rt.ScriptReport{File: file, Status: "error", Diagnostics: rt.LoadErrorDiagnostics(file, err)}
}

// runReport is the report of one run.
func runReport(file string, prog *interp.Program, opts interp.Options, res *interp.Result, output string) *rt.ScriptReport {
	max := opts.MaxSteps
	if max <= 0 {
		max = interp.DefaultMaxSteps
	}
	r := &rt.ScriptReport{File: file, Status: "ok", Diagnostics: res.Diagnostics, Output: output,
		Run: &rt.RunStats{Steps: res.Steps, MaxSteps: max, StepLimit: res.StepLimit, Seed: opts.Seed,
			Deadlock: res.Deadlock, Schedule: interp.FormatSchedule(res.Schedule())}}
	if len(res.Diagnostics) > 0 {
		r.Status = "findings"
	}
	return r
}

// exploreReport is the report of an exploration: its distinct findings,
// each with its shortest schedule, and the search's budgets.
func exploreReport(file string, res *interp.ExploreResult, o interp.ExploreOptions) *rt.ScriptReport {
	ds := make([]*rt.Diagnostic, len(res.Findings))
	for i, f := range res.Findings {
		d := *f.Diag
		d.Schedule = interp.FormatSchedule(f.Schedule)
		ds[i] = &d
	}
	maxStates := o.MaxStates
	if maxStates <= 0 {
		maxStates = interp.DefaultMaxStates
	}
	bound := -1
	if res.Bounded {
		bound = res.Bound
	}
	r := &rt.ScriptReport{File: file, Status: "ok", Diagnostics: ds,
		Explore: &rt.ExploreStats{Runs: res.Runs, MaxRuns: o.MaxRuns, Preemptions: bound, Complete: res.Complete,
			Exhausted: !res.Complete, Executions: res.Executions, States: res.States, MaxStates: maxStates, Stopped: res.Stopped}}
	if res.Stopped != "" {
		r.Explore.Message = interp.IncompleteText(res)
	}
	switch {
	case len(ds) > 0:
		r.Status = "findings"
	case !res.Complete:
		r.Status = "incomplete"
	}
	return r
}
