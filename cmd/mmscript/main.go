// Command mmscript runs mmscript scripts: executable questions about the
// Linux mm locking rules, checked over a simulated MMU.
//
//	mmscript run [-seed N] [-schedule S] [-json] [-max-steps N] FILE
//	mmscript explore [-max-runs N] [-preemptions K] [-json] FILE
//	mmscript test [-explore [-preemptions K] [-max-runs N]] DIR|FILE...
//	mmscript check FILE...
//	mmscript explain NAME
//	mmscript rules
//	mmscript repl
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mmscript/mmscript/interp"
	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const usage = `usage: mmscript <command> [arguments]

commands:
  run [-seed N] [-schedule S] [-json] [-max-steps N] FILE
                 run a script and print what it breaks (exit 0 ok, 1 findings, 2 bad input)
  explore [-max-runs N] [-preemptions K] [-json] FILE
                 run a script under every interleaving within the preemption bound and
                 print every distinct finding with a schedule that replays it
                 (exit 0 none, 1 findings, 2 bad input, 3 budget exhausted with no findings)
  test [-explore [-preemptions K] [-max-runs N]] DIR|FILE...
                 run scripts and check their expect lines; prints "N passed, N failed";
                 with -explore, over every interleaving within the bound
  check FILE...  parse and compile only
  explain NAME   the rule-book entry of a kernel operation
  rules          the rule book as a Markdown table
  repl           read and run statements interactively
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "run":
		return cmdRun(args[1:], stdout, stderr)
	case "test":
		return cmdTest(args[1:], stdout, stderr)
	case "explore":
		return cmdExplore(args[1:], stdout, stderr)
	case "check":
		return cmdCheck(args[1:], stdout, stderr)
	case "explain":
		return cmdExplain(args[1:], stdout, stderr)
	case "rules":
		fmt.Fprint(stdout, rt.MarkdownTable())
		return 0
	case "repl":
		return cmdRepl(stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "mmscript: unknown command %q\n%s", args[0], usage)
	return 2
}

func cmdRun(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("run", flag.ContinueOnError)
	fl.SetOutput(stderr)
	seed := fl.Uint64("seed", 0, "pick threads at random from this seed (0: round-robin)")
	schedule := fl.String("schedule", "", "replay a schedule printed in a report")
	asJSON := fl.Bool("json", false, "print diagnostics as JSON")
	maxSteps := fl.Int64("max-steps", 0, "step limit (0: default)")
	if err := fl.Parse(args); err != nil {
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
	opts := interp.Options{Seed: *seed, MaxSteps: *maxSteps, Output: stdout}
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

func printLoadError(w io.Writer, err error) {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		fmt.Fprintln(w, "mmscript:", err)
		return
	}
	lang.PrintError(w, err)
}

// scripts expands directories into the .mms files below them, sorted.
func scripts(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		err = filepath.WalkDir(a, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".mms") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(files)
	return files, nil
}

func cmdTest(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("test", flag.ContinueOnError)
	fl.SetOutput(stderr)
	explore := fl.Bool("explore", false, "check expectations over every interleaving within -preemptions")
	preempt := fl.Int("preemptions", 2, "preemption bound with -explore (-1: unbounded)")
	maxRuns := fl.Int("max-runs", interp.DefaultMaxRuns, "run budget per script with -explore")
	if err := fl.Parse(args); err != nil {
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
			eo = &interp.ExploreOptions{Preemptions: *preempt, MaxRuns: *maxRuns}
		}
		if testOne(f, eo, stdout) {
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
func testOne(file string, eo *interp.ExploreOptions, w io.Writer) bool {
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
		ms = interp.CheckExpectations(prog, interp.Run(prog, interp.Options{}))
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

func cmdCheck(args []string, stdout, stderr io.Writer) int {
	files, err := scripts(args)
	if err != nil || len(files) == 0 {
		fmt.Fprintln(stderr, "usage: mmscript check FILE...")
		return 2
	}
	rc := 0
	for _, f := range files {
		if _, err := interp.Load(f); err != nil {
			printLoadError(stderr, err)
			rc = 2
		}
	}
	return rc
}

func cmdExplain(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: mmscript explain NAME")
		return 2
	}
	a := rt.LookupAPI(args[0])
	if a == nil {
		fmt.Fprintf(stderr, "mmscript: no rule-book entry for %s\n", args[0])
		return 2
	}
	fmt.Fprint(stdout, a.Explain())
	if op := rt.LookupOp(args[0]); op != nil {
		var ps []string
		for _, p := range op.Params {
			s := p.Name
			if p.Optional {
				s += "="
				if p.Default.T != rt.TNil {
					s += p.Default.String()
				} else {
					s += "nil"
				}
			}
			if p.Variadic {
				s += "..."
			}
			ps = append(ps, s)
		}
		fmt.Fprintf(stdout, "  script:  %s(%s)\n", op.Name, strings.Join(ps, ", "))
		for _, p := range op.Params {
			if len(p.Words) > 0 {
				fmt.Fprintf(stdout, "  %s=     %s (combine with |)\n", p.Name, strings.Join(p.Words, " "))
			}
		}
	}
	return 0
}

func cmdExplore(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("explore", flag.ContinueOnError)
	fl.SetOutput(stderr)
	maxRuns := fl.Int("max-runs", interp.DefaultMaxRuns, "budget of runs")
	preempt := fl.Int("preemptions", 2, "preemption bound (-1: unbounded)")
	maxSteps := fl.Int64("max-steps", 0, "step limit of each run (0: default)")
	asJSON := fl.Bool("json", false, "print findings as JSON")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: mmscript explore [flags] FILE")
		return 2
	}
	prog, err := interp.Load(fl.Arg(0))
	if err != nil {
		printLoadError(stderr, err)
		return 2
	}
	res := interp.Explore(prog, interp.ExploreOptions{MaxRuns: *maxRuns, Preemptions: *preempt, MaxSteps: *maxSteps})
	ds := make([]*rt.Diagnostic, 0, len(res.Findings))
	for _, f := range res.Findings {
		d := *f.Diag
		if d.Schedule == "" {
			d.Schedule = interp.FormatSchedule(f.Schedule)
		}
		ds = append(ds, &d)
	}
	if *asJSON {
		if err := rt.WriteJSON(stdout, ds); err != nil {
			fmt.Fprintln(stderr, "mmscript:", err)
			return 2
		}
	} else {
		rt.PrintDiagnostics(stdout, ds)
	}
	if res.Complete {
		fmt.Fprintf(stderr, "explored %d schedules: all within %s\n", res.Runs, boundText(*preempt))
	} else {
		fmt.Fprintf(stderr, "mmscript: exploration budget of %d runs exhausted before every schedule within %s was tried (raise -max-runs)\n", res.Runs, boundText(*preempt))
	}
	switch {
	case len(ds) > 0:
		return 1
	case !res.Complete:
		return 3
	}
	return 0
}

func boundText(p int) string {
	if p < 0 {
		return "no preemption bound"
	}
	return fmt.Sprintf("%d preemptions", p)
}
