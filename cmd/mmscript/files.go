package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/mmscript/mmscript/interp"
	"github.com/mmscript/mmscript/lang"
)

// printLoadError prints why a script does not load: syntax and compile
// errors with their source lines (the report printer), anything else on
// one line.
func printLoadError(w io.Writer, err error, limits *lang.Limits) {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		fmt.Fprintln(w, "mmscript:", err)
		return
	}
	var el lang.ErrorList
	if errors.As(err, &el) {
		newPrinter(w, limits).PrintError(el)
		return
	}
	lang.PrintError(w, err)
}

// limitFlags adds the input limits (lang.Limits) to a command's flags; the
// errors for input beyond a limit name these flags.
func limitFlags(fl *flag.FlagSet) *lang.Limits {
	l := lang.DefaultLimits
	fl.Var((*sizeFlag)(&l.MaxFileSize), "max-file-size", "largest script to read, in `bytes` or with a unit as the limit's error prints it: 16MiB, 512KiB, 1GiB (a larger one is an error, not read to its end)")
	fl.Var(&depthFlag{&l.MaxNesting, maxNestingLimit}, "max-nesting", fmt.Sprintf("deepest nesting of blocks, `N` levels, counting each else if as one (at most %d)", maxNestingLimit))
	fl.Var(&depthFlag{&l.MaxExprDepth, maxExprDepthLimit}, "max-expr-depth", fmt.Sprintf("tallest expression tree, `N` levels of operators, parentheses and calls (at most %d)", maxExprDepthLimit))
	return &l
}

// threadsFlag adds -max-threads (lang.Limits.MaxThreads) to a command
// that runs or checks scripts; fmt runs nothing and takes any number.
func threadsFlag(fl *flag.FlagSet, l *lang.Limits) {
	fl.Var(&depthFlag{&l.MaxThreads, maxThreadsLimit}, "max-threads", fmt.Sprintf("most threads a script may declare, `N` (at most %d; a run's time grows with the square of the threads)", maxThreadsLimit))
}

// maxExprDepthLimit and maxNestingLimit are the highest -max-expr-depth
// and -max-nesting may be raised to. The parser, the compiler and the
// formatter recurse once per level, and Go stops a goroutine whose stack
// passes 1 GB (a 1.1 M-term expression under -max-expr-depth 2000000 did);
// the canonical layout indents each level of blocks, so fmt's output grows
// with the square of the nesting (10,000 levels: 100 MB). Input as deep
// as these is parsed, compiled, run and formatted (TestLimitCeiling).
//
// maxThreadsLimit is the highest -max-threads may be raised to: a run of
// 100,000 empty threads takes minutes (each turn looks at every thread).
const (
	maxExprDepthLimit = 100_000
	maxNestingLimit   = 10_000
	maxThreadsLimit   = 100_000
)

// sizeFlag is a size in bytes, written as a number or with a unit (KiB,
// MiB, GiB; K, M, G): the limit's error says "the limit of 8 MiB", and a
// user raising it writes what it said.
type sizeFlag int64

// String prints the size as Set reads it, in the largest unit that
// divides it: the default shows as 8MiB.
func (f *sizeFlag) String() string {
	n := int64(*f)
	for _, u := range []struct {
		suf string
		m   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.m && n%u.m == 0 {
			return strconv.FormatInt(n/u.m, 10) + u.suf
		}
	}
	return strconv.FormatInt(n, 10)
}

func (f *sizeFlag) Set(s string) error {
	n, err := parseSize(s)
	if err != nil || n > math.MaxInt64 {
		return fmt.Errorf("want a size such as 16MiB or 16777216")
	}
	*f = sizeFlag(n)
	return nil
}

// depthFlag is a nesting or depth limit: a positive number up to max.
type depthFlag struct {
	p   *int
	max int
}

func (f *depthFlag) String() string {
	if f.p == nil {
		return ""
	}
	return strconv.Itoa(*f.p)
}

func (f *depthFlag) Set(s string) error {
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return errors.New("not a number")
	case n < 1:
		return errors.New("must be at least 1")
	case n > f.max:
		return fmt.Errorf("at most %d", f.max)
	}
	*f.p = n
	return nil
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
