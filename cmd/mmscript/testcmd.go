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
	for _, f := range files {
		var eo *interp.ExploreOptions
		if *explore {
			eo = &interp.ExploreOptions{Preemptions: *preempt, MaxRuns: *maxRuns, Kernel: kc}
		}
		if testOne(f, kc, eo, stdout) {
			failed++
		} else {
			passed++
		}
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 || len(files) == 0 {
		return 1
	}
	return 0
}

// testOne checks one script against its expectations, in the default run
// or, with eo, over its interleavings; it prints each mismatch and reports
// whether the script failed.
func testOne(file string, kc rt.KernelConfig, eo *interp.ExploreOptions, w io.Writer) bool {
	prog, err := interp.Load(file)
	if err != nil {
		fmt.Fprintf(w, "FAIL %s: does not compile:\n", file)
		printLoadError(w, err)
		return true
	}
	var ms []interp.Mismatch
	if eo != nil {
		ms = interp.CheckExploration(prog, interp.Explore(prog, *eo))
	} else {
		ms = interp.CheckExpectations(prog, interp.Run(prog, interp.Options{Kernel: kc}))
	}
	if len(ms) == 0 {
		return false
	}
	fmt.Fprintf(w, "FAIL %s\n", file)
	for _, m := range ms {
		fmt.Fprintf(w, "\t%s\n", m)
	}
	return true
}
