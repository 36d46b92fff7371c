package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mmscript/mmscript/interp"
	"github.com/mmscript/mmscript/lang"
)

// printLoadError prints why a script does not load: syntax and compile
// errors with their source lines (the report printer), anything else on
// one line.
func printLoadError(w io.Writer, err error) {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		fmt.Fprintln(w, "mmscript:", err)
		return
	}
	var el lang.ErrorList
	if errors.As(err, &el) {
		newPrinter(w).PrintError(el)
		return
	}
	lang.PrintError(w, err)
}

// limitFlags adds the input limits (lang.Limits) to a command's flags; the
// errors for input beyond a limit name these flags.
func limitFlags(fl *flag.FlagSet) *lang.Limits {
	l := lang.DefaultLimits
	fl.Int64Var(&l.MaxFileSize, "max-file-size", l.MaxFileSize, "largest script to read, in bytes")
	fl.IntVar(&l.MaxNesting, "max-nesting", l.MaxNesting, "deepest nesting of blocks, counting each else if as one level")
	fl.IntVar(&l.MaxExprDepth, "max-expr-depth", l.MaxExprDepth, "tallest expression tree (operators, parentheses, calls)")
	return &l
}

// walkErrors holds the paths scripts could not walk, with their errors,
// for load to report in their place.
var walkErrors = map[string]error{}

// load reads, parses and compiles a script within the limits.
func load(file string, l *lang.Limits) (*interp.Program, error) {
	if l == nil {
		l = &lang.DefaultLimits
	}
	if err := walkErrors[file]; err != nil {
		return nil, err
	}
	src, err := l.ReadFile(file)
	if err != nil {
		return nil, err
	}
	f, err := l.Parse(file, src)
	if err != nil {
		return nil, err
	}
	return interp.Compile(f)
}

// scripts expands directories into the .mms files below them, sorted. A
// path that cannot be walked (a missing argument, an unreadable directory)
// is kept in the list, so that reading it reports the error in its place
// and the other scripts are still checked; scripts fails only when an
// argument does not exist.
func scripts(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		n := len(files)
		filepath.WalkDir(a, func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				files = append(files, path) // load reports err
				walkErrors[path] = err
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
			case !d.IsDir() && strings.HasSuffix(path, ".mms"):
				files = append(files, path)
			}
			return nil
		})
		if len(files) == n {
			return nil, fmt.Errorf("%s: no .mms scripts in the directory", a)
		}
	}
	sort.Strings(files)
	return files, nil
}
