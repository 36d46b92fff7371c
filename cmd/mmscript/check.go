package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"

	rt "github.com/mmscript/mmscript/runtime"
)

// cmdCheck parses and compiles scripts without running them: syntax,
// names, argument counts and words, and the static types of operation
// arguments and field reads.
func cmdCheck(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	asJSON := fl.Bool("json", false, "print one JSON document (docs/mmscript.schema.json) on stdout")
	limits := limitFlags(fl)
	threadsFlag(fl, limits)
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: mmscript check [-json] FILE|DIR...")
		return 2
	}
	doc := &rt.Document{Command: "check"}
	p := newPrinter(stderr, limits)
	files, err := scripts(fl.Args())
	if err != nil {
		// A missing file: the real error, not the usage line.
		if *asJSON {
			file := ""
			var pe *fs.PathError
			if errors.As(err, &pe) {
				file = pe.Path
			}
			doc.Add(loadFailed(file, err))
			return writeDocument(doc, stdout, stderr, 2)
		}
		p.PrintError(err)
		return 2
	}
	rc := 0
	for _, f := range files {
		_, err := load(f, limits)
		if err != nil {
			rc = 2
			if *asJSON {
				doc.Add(loadFailed(f, err))
			} else {
				p.PrintError(err)
			}
			continue
		}
		if *asJSON {
			doc.Add(&rt.ScriptReport{File: f, Status: "ok"})
		}
	}
	if *asJSON {
		return writeDocument(doc, stdout, stderr, rc)
	}
	if rc != 0 {
		p.PrintSummary()
	}
	return rc
}
