package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/mmscript/mmscript/interp"
	rt "github.com/mmscript/mmscript/runtime"
)

func cmdExplore(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("explore", flag.ContinueOnError)
	fl.SetOutput(stderr)
	maxRuns := fl.Int("max-runs", interp.DefaultMaxRuns, "budget of runs")
	preempt := fl.Int("preemptions", 2, "preemption bound (-1: unbounded)")
	maxSteps := fl.Int64("max-steps", 0, "step limit of each run (0: default)")
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
	if fl.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: mmscript explore [flags] FILE")
		return 2
	}
	file := fl.Arg(0)
	doc := &rt.Document{Command: "explore"}
	prog, err := interp.Load(file)
	if err != nil {
		if *asJSON {
			doc.Add(loadFailed(file, err))
			return writeDocument(doc, stdout, stderr, 2)
		}
		printLoadError(stderr, err)
		return 2
	}
	res := interp.Explore(prog, interp.ExploreOptions{MaxRuns: *maxRuns, Preemptions: *preempt, MaxSteps: *maxSteps, Kernel: kc})
	ds := make([]*rt.Diagnostic, 0, len(res.Findings))
	for _, f := range res.Findings {
		d := *f.Diag
		if d.Schedule == "" {
			d.Schedule = interp.FormatSchedule(f.Schedule)
		}
		ds = append(ds, &d)
	}
	code := 0
	switch {
	case len(ds) > 0:
		code = 1
	case !res.Complete:
		code = 3
	}
	if *asJSON {
		doc.Add(exploreReport(file, ds, int64(res.Runs), int64(*maxRuns), *preempt, res.Complete))
		return writeDocument(doc, stdout, stderr, code)
	}
	p := newPrinter(stdout)
	for _, d := range ds {
		p.Print(d)
	}
	if len(ds) > 0 {
		p.PrintSummary()
	}
	if res.Complete {
		fmt.Fprintf(stderr, "explored %d schedules: all within %s\n", res.Runs, boundText(*preempt))
	} else {
		fmt.Fprintf(stderr, "mmscript: exploration budget of %d runs exhausted before every schedule within %s was tried (raise -max-runs)\n", res.Runs, boundText(*preempt))
	}
	return code
}

func boundText(p int) string {
	if p < 0 {
		return "no preemption bound"
	}
	return fmt.Sprintf("%d preemptions", p)
}
