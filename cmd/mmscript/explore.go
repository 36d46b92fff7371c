package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/mmscript/mmscript/interp"
	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// exploreFlags are the search flags explore and test share.
type exploreFlags struct {
	maxStates, maxRuns *int64
	timeout            *time.Duration
	preempt            *int
	maxMemory          *string
	maxSteps           *int64
	workers            *int
	noCache            *bool
	noMovers           *bool
	symmetry           *bool
}

func addExploreFlags(fl *flag.FlagSet, defStates int64, defTimeout time.Duration) *exploreFlags {
	return &exploreFlags{
		maxStates: fl.Int64("max-states", defStates, "budget of states (steps executed beyond replayed prefixes)"),
		maxRuns:   fl.Int64("max-runs", 0, "budget of runs (0: none)"),
		timeout:   fl.Duration("timeout", defTimeout, "stop the search after this long (0: never)"),
		preempt:   fl.Int("preemptions", -1, "bound the search to N preemptions (-1: no bound, a proof)"),
		maxMemory: fl.String("max-memory", "", "stop the search when the heap exceeds this (e.g. 2GiB, 512MiB)"),
		maxSteps:  fl.Int64("max-steps", 0, "step limit: statements each thread may run in a run (0: default)"),
		workers:   fl.Int("workers", 0, "parallel searchers (0: GOMAXPROCS)"),
		noCache:   fl.Bool("no-cache", false, "do not cache explored states (partial-order reduction only)"),
		noMovers:  fl.Bool("no-movers", false, "do not merge a read release into the turn before it (schedules then replay with run -no-movers)"),
		symmetry:  fl.Bool("symmetry", true, "cache states up to the symmetry of threads that run the same code on pages of their own (-symmetry=false: off)"),
	}
}

func (f *exploreFlags) options() (interp.ExploreOptions, error) {
	o := interp.ExploreOptions{MaxStates: *f.maxStates, MaxRuns: *f.maxRuns, Timeout: *f.timeout,
		Bounded: *f.preempt >= 0, Preemptions: *f.preempt, MaxSteps: *f.maxSteps, Workers: *f.workers, NoCache: *f.noCache,
		NoMovers: *f.noMovers, NoSymmetry: !*f.symmetry}
	if *f.maxMemory != "" {
		n, err := parseSize(*f.maxMemory)
		if err != nil {
			return o, fmt.Errorf("bad -max-memory %q (want e.g. 2GiB)", *f.maxMemory)
		}
		o.MaxMemory = n
	}
	return o, nil
}

// parseSize reads 2GiB, 512MiB, 100KiB (or 2G, 512M, 100K) or a plain
// number of bytes, more than zero.
func parseSize(s string) (uint64, error) {
	mult := uint64(1)
	for _, u := range []struct {
		suf string
		m   uint64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}} {
		if strings.HasSuffix(s, u.suf) {
			s, mult = strings.TrimSuffix(s, u.suf), u.m
			break
		}
	}
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil || n == 0 || n > math.MaxUint64/mult {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

func cmdExplore(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("explore", flag.ContinueOnError)
	fl.SetOutput(stderr)
	ef := addExploreFlags(fl, interp.DefaultMaxStates, 0)
	asJSON := fl.Bool("json", false, "print one JSON document (docs/mmscript.schema.json) on stdout")
	shard := fl.String("shard", "", "search only shard i of N (i/N) and print its result as JSON for mmscript merge")
	pct := fl.Bool("pct", false, "randomised PCT scheduling instead of the exhaustive search")
	runs := fl.Int("runs", 1000, "runs with -pct")
	depth := fl.Int("depth", 3, "bug depth with -pct (priority change points + 1)")
	seed := fl.Uint64("seed", 1, "random seed with -pct")
	first := fl.Bool("first", false, "stop at the first execution with a finding (hunting a bug, not a verdict)")
	progress := fl.Bool("progress", isTerminal(os.Stderr), "print progress on stderr once a second")
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
	if fl.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: mmscript explore [flags] FILE")
		return 2
	}
	o, err := ef.options()
	if err != nil {
		fmt.Fprintln(stderr, "mmscript:", err)
		return 2
	}
	o.Kernel = kc
	o.StopAtFirst = *first
	if *shard != "" {
		i, n, err := parseShard(*shard)
		if err != nil {
			fmt.Fprintln(stderr, "mmscript:", err)
			return 2
		}
		o.Shard, o.Shards = i, n
	}
	file := fl.Arg(0)
	prog, err := load(file, limits)
	if err != nil {
		if *asJSON {
			doc := &rt.Document{Command: "explore"}
			doc.Add(loadFailed(file, err))
			return writeDocument(doc, stdout, stderr, 2)
		}
		printLoadError(stderr, err, limits)
		return 2
	}
	kernelNote(stderr, prog, kc)
	if *progress {
		o.Progress = func(p interp.Progress) {
			fmt.Fprintf(stderr, "\r%s: %d states (%.0f/s), %d executions, depth %d, %d MiB   ",
				p.Elapsed.Round(time.Second), p.States, float64(p.States)/p.Elapsed.Seconds(), p.Executions, p.Depth, p.HeapBytes>>20)
		}
	}
	var res *interp.ExploreResult
	if *pct {
		res = interp.PCT(prog, interp.PCTOptions{Runs: *runs, Depth: *depth, Seed: *seed, MaxSteps: *ef.maxSteps, Kernel: kc})
	} else {
		// The first Ctrl-C stops the search and reports what it covered,
		// as a budget would; stop() restores the default so that a second
		// one kills the process.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		o.Context = ctx
		res = interp.Explore(prog, o)
		stop()
	}
	if *progress && res.Elapsed >= time.Second {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if *shard != "" {
		if err := interp.WriteResultJSON(stdout, prog, res); err != nil {
			fmt.Fprintln(stderr, "mmscript:", err)
			return 2
		}
		return exitCode(res, *pct)
	}
	if *asJSON {
		doc := &rt.Document{Command: "explore"}
		doc.Add(exploreReport(file, res, o))
		return writeDocument(doc, stdout, stderr, exitCode(res, *pct))
	}
	return report(prog, res, *pct, stdout, stderr, limits)
}

func exitCode(res *interp.ExploreResult, pct bool) int {
	switch {
	case len(res.Findings) > 0:
		return 1
	case !res.Complete && !pct:
		return 3
	}
	return 0
}

// report prints a search's findings, their counts, the verdict of each
// expect line and a summary, and returns the exit status.
func report(prog *interp.Program, res *interp.ExploreResult, pct bool, stdout, stderr io.Writer, limits *lang.Limits) int {
	{
		p := newPrinter(stdout, limits)
		for _, f := range res.Findings {
			d := *f.Diag
			d.Schedule = interp.FormatSchedule(f.Schedule)
			p.Print(&d)
			fmt.Fprintf(stdout, "    in %d of %d executions\n", f.Count, res.Executions)
		}
		if len(res.Findings) > 0 {
			p.PrintSummary()
		}
		if res.Complete && res.Shards <= 1 {
			for _, v := range interp.Verdicts(prog, res) {
				status := "ok"
				if !v.Holds {
					status = "FAILS"
				}
				fmt.Fprintf(stdout, "%s: %s: %s (%d of %d executions) %s\n", v.Expect.Pos, interp.Describe(v.Expect), v.Verdict, v.Matched, v.Total, status)
			}
		}
	}
	what := "an exhaustive search (dynamic partial-order reduction: one or more executions per class of equivalent interleavings; counts are over those)"
	switch {
	case pct:
		what = "randomised PCT runs: a sample, not a proof"
	case !res.Complete:
		what = "a partial search, not a proof"
	case res.Bounded:
		what = fmt.Sprintf("every interleaving within %d preemptions (a bounded search, not a proof)", res.Bound)
	}
	if res.Shards > 1 {
		what += fmt.Sprintf("; shard %d of %d", res.Shard, res.Shards)
	}
	if res.FirstFinding > 0 {
		what += fmt.Sprintf("; first finding after %s", res.FirstFinding.Round(10*time.Microsecond))
	}
	fmt.Fprintf(stderr, "explored %d executions, %d states, %d runs in %s: %s\n", res.Executions, res.States, res.Runs, res.Elapsed.Round(time.Millisecond), what)
	if res.Hashed > 0 {
		fmt.Fprintf(stderr, "state cache: %d states fingerprinted, %d stored, %d revisits pruned\n", res.Hashed, res.Cached, res.CacheHits)
	}
	if res.Symmetry != "" {
		fmt.Fprintf(stderr, "symmetry: %s\n", res.Symmetry)
	}
	if res.CacheFull {
		fmt.Fprintln(stderr, "mmscript: the state cache reached its share of -max-memory (half of it, or 1 GiB without it); later states were explored without caching (sound, slower): raise -max-memory")
	}
	if !res.Complete && !pct {
		fmt.Fprintln(stderr, "mmscript:", interp.IncompleteText(res))
	}
	return exitCode(res, pct)
}

func parseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return 0, 0, fmt.Errorf("bad -shard %q (want i/N with 1 <= i <= N)", s)
	}
	return i, n, nil
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
