package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/mmscript/mmscript/lang"
)

// cmdFmt prints scripts in the canonical layout (lang.Format), or with -l
// lists the files whose layout differs and with -w rewrites them, as gofmt
// does. A file that does not parse is reported and left alone.
func cmdFmt(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("fmt", flag.ContinueOnError)
	fl.SetOutput(stderr)
	list := fl.Bool("l", false, "list the files whose layout differs from the canonical one")
	write := fl.Bool("w", false, "rewrite the files whose layout differs")
	limits := limitFlags(fl)
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: mmscript fmt [-l] [-w] FILE|DIR...")
		return 2
	}
	files, err := scripts(fl.Args())
	if err != nil {
		fmt.Fprintln(stderr, "mmscript:", err)
		return 2
	}
	rc := 0
	for _, name := range files {
		if err := fmtFile(name, limits, *list, *write, stdout); err != nil {
			printLoadError(stderr, err, limits)
			rc = 2
		}
	}
	return rc
}

func fmtFile(name string, limits *lang.Limits, list, write bool, stdout io.Writer) error {
	if err := walkErrors[name]; err != nil {
		return err
	}
	src, err := limits.ReadFile(name)
	if err != nil {
		return err
	}
	out, err := limits.Format(name, src)
	if err != nil {
		return err
	}
	same := bytes.Equal(src, out)
	if list && !same {
		fmt.Fprintln(stdout, name)
	}
	if write && !same {
		st, err := os.Stat(name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(name, out, st.Mode().Perm()); err != nil {
			return err
		}
	}
	if !list && !write {
		_, err = stdout.Write(out)
	}
	return err
}
