package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"

	"github.com/mmscript/mmscript/interp"
	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

func cmdRun(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("run", flag.ContinueOnError)
	fl.SetOutput(stderr)
	seed := fl.Uint64("seed", 0, "pick threads at random from this seed (0: round-robin)")
	schedule := fl.String("schedule", "", "replay a schedule printed in a report")
	asJSON := fl.Bool("json", false, "print one JSON document (docs/mmscript.schema.json) on stdout; print() output goes into it")
	maxSteps := fl.Int64("max-steps", 0, "step limit: statements each thread may run (0: default)")
	kernel := kernelFlags(fl)
	trace := fl.Bool("trace", false, "print each turn: thread, line, operation, locks held after it")
	footprints := fl.Bool("footprints", false, "print the trace (-trace) and under each turn what it touched (the footprint explore's partial-order reduction uses) and the earlier turns of other threads it depends on")
	noMovers := fl.Bool("no-movers", false, "end every turn after its first step that touches shared state, releases too (replays a schedule explore -no-movers printed)")
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
	if fl.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: mmscript run [flags] FILE")
		return 2
	}
	file := fl.Arg(0)
	doc := &rt.Document{Command: "run"}
	prog, err := load(file, limits)
	if err != nil {
		if *asJSON {
			doc.Add(loadFailed(file, err))
			return writeDocument(doc, stdout, stderr, 2)
		}
		newPrinter(stderr, limits).PrintError(err)
		return 2
	}
	kernelNote(stderr, prog, kc)
	opts := interp.Options{Seed: *seed, MaxSteps: *maxSteps, Output: stdout, Kernel: kc, NoMovers: *noMovers}
	var output bytes.Buffer
	if *asJSON {
		opts.Output = &output
	}
	if (*trace || *footprints) && !*asJSON {
		opts.Trace = stdout
		opts.Footprints = *footprints
	}
	if *schedule != "" {
		s, err := interp.ParseSchedule(*schedule)
		if err != nil {
			if *asJSON {
				doc.Add(&rt.ScriptReport{File: file, Status: "error", Diagnostics: []*rt.Diagnostic{
					{Kind: rt.Error, Pos: lang.Pos{Filename: file}, Rule: "schedule", Msg: err.Error()}}})
				return writeDocument(doc, stdout, stderr, 2)
			}
			fmt.Fprintln(stderr, "mmscript:", err)
			return 2
		}
		opts.Schedule = s
	}
	res := interp.Run(prog, opts)
	code := 0
	if len(res.Diagnostics) > 0 {
		code = 1
	}
	if *asJSON {
		doc.Add(runReport(file, prog, opts, res, output.String()))
		return writeDocument(doc, stdout, stderr, code)
	}
	p := newPrinter(stdout, limits)
	for _, d := range res.Diagnostics {
		p.Print(d)
	}
	if code != 0 {
		p.PrintSummary()
	}
	return code
}
