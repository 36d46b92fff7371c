package interp

import (
	"strings"
	"testing"
)

// TestInternalErrorIsAFinding: a Go panic inside a turn (a bug in mmscript)
// ends only the thread that ran, as a script error at its position; the
// run, and the other threads, go on. Here the bug is simulated by
// emptying t1's frames before it runs.
func TestInternalErrorIsAFinding(t *testing.T) {
	p, err := LoadSource("panic.mms", []byte("n = 0\nthread t1 {\n  n += 1\n}\nthread t2 {\n  n += 2\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	res := Run(p, Options{onStart: func(m *Machine) { m.threads[0].fr = nil }})
	var errs []string
	for _, d := range res.Diagnostics {
		errs = append(errs, d.Thread+": "+d.Msg)
	}
	if len(errs) != 1 || !strings.HasPrefix(errs[0], "t1: internal error in mmscript") {
		t.Fatalf("diagnostics = %q, want one internal error of t1", errs)
	}
	if res.Steps == 0 {
		t.Errorf("no steps ran")
	}
}
