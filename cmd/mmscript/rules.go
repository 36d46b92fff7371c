package main

import (
	"flag"
	"fmt"
	"io"

	rt "github.com/mmscript/mmscript/runtime"
)

// cmdRules prints the rule book: by default the summary table; with -rst,
// -md or -json the "Locking requirements per API" section (the same content
// in three formats), whose entries name the scripts under -examples that
// prove them.
func cmdRules(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("rules", flag.ContinueOnError)
	fl.SetOutput(stderr)
	rst := fl.Bool("rst", false, "print the per-API locking section as reStructuredText (docs/locking-per-api.rst)")
	md := fl.Bool("md", false, "print the per-API locking section as Markdown")
	js := fl.Bool("json", false, "print the per-API locking section as JSON")
	dir := fl.String("examples", "examples", "the example scripts each entry cites")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	n := 0
	for _, b := range []bool{*rst, *md, *js} {
		if b {
			n++
		}
	}
	if fl.NArg() > 0 || n > 1 {
		fmt.Fprintln(stderr, "usage: mmscript rules [-rst | -md | -json] [-examples DIR]")
		return 2
	}
	if n == 0 {
		fmt.Fprint(stdout, rt.MarkdownTable())
		return 0
	}
	idx, err := rt.IndexExamples(*dir)
	if err != nil {
		fmt.Fprintln(stderr, "mmscript:", err)
		return 2
	}
	docs := rt.LockingDocs(idx)
	switch {
	case *rst:
		fmt.Fprint(stdout, rt.LockingRST(docs))
	case *md:
		fmt.Fprint(stdout, rt.LockingMarkdown(docs))
	default:
		out, err := rt.LockingJSON(docs)
		if err != nil {
			fmt.Fprintln(stderr, "mmscript:", err)
			return 2
		}
		stdout.Write(out)
	}
	return 0
}
