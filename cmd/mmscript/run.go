package main

import (
	"errors"
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
	asJSON := fl.Bool("json", false, "print diagnostics as JSON")
	maxSteps := fl.Int64("max-steps", 0, "step limit (0: default)")
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
		fmt.Fprintln(stderr, "usage: mmscript run [flags] FILE")
		return 2
	}
	prog, err := interp.Load(fl.Arg(0))
	if err != nil {
		if *asJSON {
			var el lang.ErrorList
			if errors.As(err, &el) {
				var ds []*rt.Diagnostic
				for _, e := range el {
					ds = append(ds, &rt.Diagnostic{Kind: rt.Error, Pos: e.Pos, Rule: "syntax", Msg: e.Msg})
				}
				if err := rt.WriteJSON(stdout, ds); err != nil {
					fmt.Fprintln(stderr, "mmscript:", err)
				}
				return 2
			}
		}
		printLoadError(stderr, err)
		return 2
	}
	opts := interp.Options{Seed: *seed, MaxSteps: *maxSteps, Output: stdout, Kernel: kc}
	if *schedule != "" {
		s, err := interp.ParseSchedule(*schedule)
		if err != nil {
			fmt.Fprintln(stderr, "mmscript:", err)
			return 2
		}
		opts.Schedule = s
	}
	res := interp.Run(prog, opts)
	if *asJSON {
		if err := rt.WriteJSON(stdout, res.Diagnostics); err != nil {
			fmt.Fprintln(stderr, "mmscript:", err)
			return 2
		}
	} else {
		rt.PrintDiagnostics(stdout, res.Diagnostics)
	}
	if len(res.Diagnostics) > 0 {
		return 1
	}
	return 0
}
