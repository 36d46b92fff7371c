// Command mmscript runs mmscript scripts: executable questions about the
// Linux mm locking rules, checked over a simulated MMU.
//
//	mmscript run [-seed N] [-schedule S] [-json] [-max-steps N] FILE
//	mmscript run [-trace] ...
//	mmscript explore [-max-states N] [-timeout D] [-preemptions K] [-max-memory M] [-shard i/N] [-json] [-pct -runs N -depth d] FILE
//	mmscript merge SHARD.json...
//	mmscript test [-json] [-single] [-max-states N] [-timeout D] DIR|FILE...
//	mmscript check [-json] FILE|DIR...
//	mmscript explain NAME
//	mmscript rules [-rst | -md | -json] [-examples DIR]
//	mmscript repl [FILE]
package main

import (
	"fmt"
	"io"
	"os"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const usage = `usage: mmscript <command> [arguments]

commands:
  run [-seed N] [-schedule S] [-trace] [-json] [-max-steps N] FILE
                 run a script and print what it breaks (exit 0 ok, 1 findings, 2 bad input)
  explore [-max-states N] [-max-runs N] [-timeout D] [-max-memory M] [-preemptions K]
          [-workers N] [-shard i/N] [-json] [-pct -runs N -depth d -seed S] FILE
                 search every interleaving (partial-order reduced) and print each
                 distinct finding once, with how often it occurs, its shortest
                 schedule, and a verdict per expect line
                 (exit 0 none, 1 findings, 2 bad input, 3 a budget stopped the search)
  merge [-json] SHARD.json...
                 combine the results of explore -shard i/N (JSON)
  test [-json] [-single] [-max-states N] [-timeout D] DIR|FILE...
                 check scripts' expect lines over every interleaving (each script's
                 default run with -single or expect single_run); prints "N passed, N failed"
  check [-json] FILE|DIR...  parse and compile only
  explain NAME   the rule-book entry of a kernel operation
  rules [-rst | -md | -json] [-examples DIR]
                 the rule book as a Markdown table; with -rst, -md or -json the
                 "Locking requirements per API" section (docs/locking-per-api.rst)
  repl [FILE]    an interactive session on a live kernel (after running FILE); :help inside
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
	case "merge":
		return cmdMerge(args[1:], stdout, stderr)
	case "check":
		return cmdCheck(args[1:], stdout, stderr)
	case "explain":
		return cmdExplain(args[1:], stdout, stderr)
	case "rules":
		return cmdRules(args[1:], stdout, stderr)
	case "repl":
		return cmdRepl(args[1:], os.Stdin, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "mmscript: unknown command %q\n%s", args[0], usage)
	return 2
}
