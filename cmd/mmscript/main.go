// Command mmscript runs mmscript scripts: executable questions about the
// Linux mm locking rules, checked over a simulated MMU.
//
//	mmscript run [-seed N] [-schedule S] [-trace] [-json] [-max-steps N] FILE
//	mmscript explore [-max-states N] [-timeout D] [-preemptions K] [-max-memory M] [-shard i/N] [-json] [-pct -runs N -depth d] FILE
//	mmscript merge SHARD.json...
//	mmscript test [-json] [-single] [-max-states N] [-timeout D] DIR|FILE...
//	mmscript check [-json] FILE|DIR...
//	mmscript fmt [-l] [-w] FILE|DIR...
//	mmscript explain NAME
//	mmscript rules [-rst | -md | -json] [-examples DIR]
//	mmscript repl [FILE]
//	mmscript version
//
// Every command takes -h (or --help) and prints its flags. The commands
// that read scripts take -max-file-size, -max-nesting and -max-expr-depth,
// the limits that keep hostile input from exhausting memory or the stack,
// and those that run or check them -max-threads, which keeps a run's time
// (quadratic in the threads) bounded.
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// A command is one of mmscript's subcommands.
type command struct {
	name     string
	synopsis string // the arguments
	doc      string // what it does, indented lines
	run      func(args []string, stdout, stderr io.Writer) int
}

var commands = []command{
	{"run", "[flags] FILE", `run a script and print what it breaks (exit 0 ok, 1 findings, 2 bad input)`, cmdRun},
	{"explore", "[flags] FILE", `search every interleaving (partial-order reduced) and print each
distinct finding once, with how often it occurs, its shortest
schedule, and a verdict per expect line
(exit 0 none, 1 findings, 2 bad input, 3 a budget stopped the search)`, cmdExplore},
	{"merge", "[-json] SHARD.json...", `combine the results of explore -shard i/N (JSON)`, cmdMerge},
	{"test", "[flags] DIR|FILE...", `check scripts' expect lines over every interleaving (each script's
default run with -single or expect single_run), on every core; prints a line a
directory and "N passed, N failed"`, cmdTest},
	{"check", "[flags] FILE|DIR...", `parse and compile only`, cmdCheck},
	{"fmt", "[-l] [-w] FILE|DIR...", `print scripts in the canonical layout; -l lists the files whose layout
differs, -w rewrites them`, cmdFmt},
	{"explain", "[flags] NAME", `the rule-book entry of a kernel operation`, cmdExplain},
	{"rules", "[-rst | -md | -json] [-examples DIR]", `the rule book as a Markdown table; with -rst, -md or -json the
"Locking requirements per API" section (docs/locking-per-api.rst)`, cmdRules},
	{"repl", "[flags] [FILE]", `an interactive session on a live kernel (after running FILE); :help inside`,
		func(args []string, stdout, stderr io.Writer) int { return cmdRepl(args, os.Stdin, stdout, stderr) }},
	{"version", "", `print the version of mmscript and of the Go toolchain that built it`, cmdVersion},
}

func usage() string {
	var b strings.Builder
	b.WriteString("usage: mmscript <command> [arguments]\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %s\n", strings.TrimSpace(c.name+" "+c.synopsis))
		for _, line := range strings.Split(c.doc, "\n") {
			fmt.Fprintf(&b, "                 %s\n", line)
		}
	}
	b.WriteString("\nmmscript CMD -h describes the flags of CMD.\n")
	return b.String()
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c := lookupCommand(args[1]); c != nil {
				return help(c, stdout)
			}
		}
		fmt.Fprint(stdout, usage())
		return 0
	case "-version", "--version":
		return cmdVersion(nil, stdout, stderr)
	}
	c := lookupCommand(args[0])
	if c == nil {
		fmt.Fprintf(stderr, "mmscript: unknown command %q\n%s", args[0], usage())
		return 2
	}
	if helpRequested(args[1:]) {
		return help(c, stdout)
	}
	return c.run(args[1:], stdout, stderr)
}

func lookupCommand(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// helpRequested reports whether the arguments ask for help (-h, -help or
// --help before any "--").
func helpRequested(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// help prints a command's usage and flags on stdout; asking for help is
// not an error, so it exits 0. The flags come from the command's own flag
// set: run with -h, it prints them (as "Usage of NAME:" and the defaults,
// or in its own words).
func help(c *command, stdout io.Writer) int {
	var flags bytes.Buffer
	c.run([]string{"-h"}, io.Discard, &flags)
	out := flags.String()
	if strings.HasPrefix(out, "usage:") {
		fmt.Fprint(stdout, out) // the command describes itself
		return 0
	}
	fmt.Fprintf(stdout, "usage: mmscript %s %s\n\n", c.name, c.synopsis)
	for _, line := range strings.Split(c.doc, "\n") {
		fmt.Fprintf(stdout, "%s\n", line)
	}
	if _, rest, ok := strings.Cut(out, "Usage of "+c.name+":\n"); ok && rest != "" {
		fmt.Fprintf(stdout, "\nflags:\n%s", rest)
	}
	return 0
}
