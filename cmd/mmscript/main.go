// Command mmscript runs mmscript scripts: executable questions about the
// Linux mm locking rules, checked over a simulated MMU.
//
//	mmscript run [-seed N] [-schedule S] [-json] [-max-steps N] FILE
//	mmscript explore [-max-runs N] [-preemptions K] [-json] FILE
//	mmscript test [-json] [-explore [-preemptions K] [-max-runs N]] DIR|FILE...
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
  run [-seed N] [-schedule S] [-json] [-max-steps N] FILE
                 run a script and print what it breaks (exit 0 ok, 1 findings, 2 bad input)
  explore [-max-runs N] [-preemptions K] [-json] FILE
                 run a script under every interleaving within the preemption bound and
                 print every distinct finding with a schedule that replays it
                 (exit 0 none, 1 findings, 2 bad input, 3 budget exhausted with no findings)
  test [-json] [-explore [-preemptions K] [-max-runs N]] DIR|FILE...
                 run scripts and check their expect lines; prints "N passed, N failed";
                 with -explore, over every interleaving within the bound
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
