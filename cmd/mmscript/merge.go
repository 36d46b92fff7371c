package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/mmscript/mmscript/interp"
	rt "github.com/mmscript/mmscript/runtime"
)

// cmdMerge combines the JSON results of `explore -shard i/N -json` into
// the report one process would print.
func cmdMerge(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("merge", flag.ContinueOnError)
	fl.SetOutput(stderr)
	asJSON := fl.Bool("json", false, "print one JSON document (docs/mmscript.schema.json) on stdout")
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
		fmt.Fprintln(stderr, "usage: mmscript merge [-json] [-kernel K -config C] SHARD.json...")
		return 2
	}
	var parts []*interp.ResultJSON
	for _, name := range fl.Args() {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(stderr, "mmscript:", err)
			return 2
		}
		r, err := interp.ReadResultJSON(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "mmscript: %s: %v\n", name, err)
			return 2
		}
		parts = append(parts, r)
	}
	prog, err := interp.Load(parts[0].File)
	if err != nil {
		printLoadError(stderr, err, nil)
		return 2
	}
	res, err := interp.Merge(prog, kc, parts)
	if err != nil {
		fmt.Fprintln(stderr, "mmscript: merge:", err)
		return 2
	}
	if *asJSON {
		doc := &rt.Document{Command: "explore"}
		doc.Add(exploreReport(parts[0].File, res, interp.ExploreOptions{}))
		return writeDocument(doc, stdout, stderr, exitCode(res, false))
	}
	return report(prog, res, false, stdout, stderr, nil)
}
