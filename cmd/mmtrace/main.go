// Command mmtrace runs mm traces, in the fidelity probe's trace language,
// on mmcore or on the host kernel, and prints what the probe prints
// (`PROBE_REPEAT=1 probe -trace FILE` on Linux 6.18), so that
//
//	diff <(mmtrace t) <(mmtrace --kernel t)
//
// is the fidelity check of the simulator against a real kernel.
//
// Usage:
//
//	mmtrace [--kernel [--repeat N]] [--no-mc] [--no-pkey] FILE...
//	mmtrace --gen N [--seed S] [--profile all|basic|thp] --out DIR
//
// --kernel runs each trace on the host kernel (Linux on x86-64; root for
// the page flags) in a fresh child process, N times (the trailer says
// whether the runs agreed). --no-mc and --no-pkey leave out the mincore
// and protection-key columns; --pkeys says whether the simulated CPU has
// protection keys (an execute-only mapping then gets key 1), by default as
// this machine's does; --zero-page whether the simulated kernel maps the
// shared zero page on anonymous read faults (no: as a PVM guest kernel
// booted with pvm_no_zero_page=1), by default as this machine's kernel
// does. --gen writes N random traces from seed S
// into DIR. Exit status: 0 ok, 1 a trace mmcore cannot run yet (or a
// kernel run that differed between repeats), 2 bad input.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mmscript/mmscript/mmcore/trace"
)

func main() {
	trace.KernelChild() // a --kernel child runs its trace and exits here
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mmtrace", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kernel := fs.Bool("kernel", false, "run on the host kernel instead of mmcore")
	repeat := fs.Int("repeat", 1, "with --kernel: runs per trace")
	noMC := fs.Bool("no-mc", false, "leave out the mc= (mincore) column")
	noPkey := fs.Bool("no-pkey", false, "leave out the pkey= column")
	pkeys := fs.String("pkeys", "host", "simulate a CPU with protection keys: yes, no, or host (as this machine's /proc/cpuinfo says)")
	zeroPage := fs.String("zero-page", "host", "simulate a kernel that maps the shared zero page on anonymous read faults: yes, no (as a PVM guest booted with pvm_no_zero_page=1), or host (as this machine's kernel does)")
	gen := fs.Int("gen", 0, "write this many random traces")
	seed := fs.Int64("seed", 1, "with --gen: the first seed")
	profile := fs.String("profile", "all", "with --gen: all, basic or thp")
	outDir := fs.String("out", "", "with --gen: the directory to write to")
	record := fs.Bool("record", false, "with --kernel: write FILE.golden (kernel version, then the output) for each trace whose runs agree and that ran to its end")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mmtrace [--kernel [--repeat N]] [--no-mc] [--no-pkey] FILE...\n       mmtrace --gen N [--seed S] --out DIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *gen > 0 {
		if *outDir == "" {
			fmt.Fprintln(stderr, "mmtrace: --gen needs --out DIR")
			return 2
		}
		for i := 0; i < *gen; i++ {
			s := *seed + int64(i)
			prefix := "gen"
			if *profile != "all" {
				prefix = *profile
			}
			name := filepath.Join(*outDir, fmt.Sprintf("%s-%05d.trace", prefix, s))
			if err := os.WriteFile(name, []byte(trace.GenerateProfile(s, *profile)), 0o644); err != nil {
				fmt.Fprintln(stderr, "mmtrace:", err)
				return 2
			}
		}
		return 0
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	if *kernel && !trace.KernelSupported {
		fmt.Fprintln(stderr, "mmtrace:", trace.ErrNoKernel)
		return 2
	}
	o := trace.Options{NoMincore: *noMC, NoPkey: *noPkey}
	switch *pkeys {
	case "yes":
	case "no":
		o.CPUWithoutPkeys = true
	case "host":
		o.CPUWithoutPkeys = !trace.HostHasPkeys()
	default:
		fmt.Fprintf(stderr, "mmtrace: --pkeys must be yes, no or host, not %q\n", *pkeys)
		return 2
	}
	switch *zeroPage {
	case "yes":
	case "no":
		o.NoZeroPage = true
	case "host":
		o.NoZeroPage = !trace.HostHasZeroPage()
	default:
		fmt.Fprintf(stderr, "mmtrace: --zero-page must be yes, no or host, not %q\n", *zeroPage)
		return 2
	}
	status := 0
	for _, name := range fs.Args() {
		src, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintln(stderr, "mmtrace:", err)
			return 2
		}
		tr, err := trace.Parse(name, src)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		if *kernel {
			out, same, err := trace.RunKernel(tr, src, o, *repeat)
			if err != nil {
				fmt.Fprintln(stderr, "mmtrace:", err)
				return 2
			}
			if *record {
				if err := writeGolden(name, tr, out, same, *repeat); err != nil {
					fmt.Fprintf(stderr, "%s: not recorded: %v\n", name, err)
					status = 1
				}
				continue
			}
			fmt.Fprint(stdout, out)
			if !same {
				status = 1
			}
			continue
		}
		out, err := trace.RunSim(tr, o)
		fmt.Fprint(stdout, out)
		if err != nil {
			fmt.Fprintln(stderr, err)
			if !errors.Is(err, trace.ErrNotModelled) {
				return 2
			}
			status = 1
		}
	}
	return status
}

// writeGolden stores a kernel run as the trace's golden file: a first line
// naming the kernel (uname -r) and its THP and overcommit settings, then
// exactly what one probe run prints. Traces whose repeated runs differed,
// or that stopped early (a touch that faulted, a fork child that died), are
// refused: they are not reproducible or not what the probe would print.
func writeGolden(name string, tr *trace.Trace, out string, same bool, repeat int) error {
	switch {
	case !same:
		return errors.New("runs differ (nondeterministic on this kernel)")
	case strings.Contains(out, "(the probe dies here)"), strings.Contains(out, "child died"):
		return errors.New("the trace faults where the probe would die")
	case strings.Contains(out, "\nscenario "):
		return errors.New("the kernel run failed")
	}
	first := strings.TrimSuffix(out, trace.Trailer(tr.Name, repeat, true))
	golden := trace.GoldenHeader() + first + trace.Trailer(tr.Name, 1, true)
	return os.WriteFile(strings.TrimSuffix(name, ".trace")+".golden", []byte(golden), 0o644)
}
