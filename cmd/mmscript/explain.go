package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	rt "github.com/mmscript/mmscript/runtime"
)

func cmdExplain(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("explain", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dir := fl.String("examples", "examples", "list the example scripts under DIR that prove an API (when DIR exists)")
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
		fmt.Fprintln(stderr, "usage: mmscript explain [-examples DIR] [-kernel K -config C] NAME|locks|fault-handler|user-access")
		return 2
	}
	name := fl.Arg(0)
	text, err := rt.ExplainTextIn(name, kc)
	if err != nil {
		fmt.Fprintln(stderr, "mmscript:", err)
		return 2
	}
	fmt.Fprint(stdout, text)
	if a := rt.LookupAPI(strings.TrimSuffix(name, "()")); a != nil {
		if st, err := os.Stat(*dir); err == nil && st.IsDir() {
			idx, err := rt.IndexExamples(*dir)
			if err != nil {
				fmt.Fprintln(stderr, "mmscript:", err)
				return 2
			}
			for _, e := range idx[a.Name] {
				if e.Correct {
					fmt.Fprintf(stdout, "  correct:   %s\n", e.File)
				} else {
					fmt.Fprintf(stdout, "  incorrect: %s:%d (expect %s)\n", e.File, e.Line, e.Expect)
				}
			}
		}
	}
	return 0
}
