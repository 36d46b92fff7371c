package interp

import (
	"errors"
	"strings"
	"testing"

	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

func asErrorList(err error, list *lang.ErrorList) bool { return errors.As(err, list) }

// load compiles src as test.mms, failing the test on an error.
func load(t testing.TB, src string) *Program {
	t.Helper()
	p, err := LoadSource("test.mms", []byte(src))
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return p
}

// run compiles and runs src.
func run(t testing.TB, src string, opts Options) *Result {
	t.Helper()
	return Run(load(t, src), opts)
}

// diagLines prints diagnostics one per line, without related notes.
func diagLines(res *Result) string {
	var b strings.Builder
	for _, d := range res.Diagnostics {
		b.WriteString(strings.SplitN(d.String(), "\n", 2)[0])
		b.WriteString("\n")
	}
	return b.String()
}

func deadlockOf(res *Result) *rt.Diagnostic {
	for _, d := range res.Diagnostics {
		if d.Kind == rt.Deadlock {
			return d
		}
	}
	return nil
}

func diagStrings(res *Result) []string {
	var out []string
	for _, d := range res.Diagnostics {
		out = append(out, d.String())
	}
	return out
}
