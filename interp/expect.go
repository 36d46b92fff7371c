package interp

import (
	"fmt"
	"os"
	"strings"

	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// Mismatch is one way a run differs from the script's expectations.
type Mismatch struct {
	Pos lang.Pos
	Msg string
}

func (m Mismatch) String() string { return m.Pos.String() + ": " + m.Msg }

// CheckExpectations compares a run's diagnostics with the script's expect
// lines. Every diagnostic must be expected by some line, and every line but
// `expect ok` must match at least one diagnostic. A script without expect
// lines expects ok.
func CheckExpectations(p *Program, res *Result) []Mismatch {
	return checkDiagnostics(p, res.Diagnostics)
}

// CheckExploration compares the findings of an exploration with the
// script's expect lines, as CheckExpectations does for one run: every
// finding of every interleaving must be expected, and every expect line
// must be found in some interleaving. An incomplete exploration fails.
func CheckExploration(p *Program, res *ExploreResult) []Mismatch {
	ds := make([]*rt.Diagnostic, len(res.Findings))
	for i, f := range res.Findings {
		ds[i] = f.Diag
	}
	out := checkDiagnostics(p, ds)
	for i := range out {
		for _, f := range res.Findings {
			if f.Diag.Pos == out[i].Pos && strings.HasSuffix(out[i].Msg, f.Diag.Msg) {
				out[i].Msg += " (schedule: " + FormatSchedule(f.Schedule) + ")"
				break
			}
		}
	}
	if !res.Complete {
		out = append(out, Mismatch{lang.Pos{Filename: p.File.Name}, fmt.Sprintf("exploration budget exhausted after %d runs: not every interleaving was tried", res.Runs)})
	}
	return out
}

func checkDiagnostics(p *Program, diags []*rt.Diagnostic) []Mismatch {
	res := struct{ Diagnostics []*rt.Diagnostic }{diags}
	var out []Mismatch
	used := make([]bool, len(res.Diagnostics))
	for _, e := range p.expects {
		if e.Kind == "ok" {
			continue
		}
		found := false
		for i, d := range res.Diagnostics {
			if matches(e, d) {
				found, used[i] = true, true
			}
		}
		if !found {
			what := e.Kind
			if e.Text != "" {
				what += fmt.Sprintf(" %q", e.Text)
			}
			if e.AtLine > 0 {
				what += fmt.Sprintf(" at line %d", e.AtLine)
			}
			out = append(out, Mismatch{e.Pos, "expected " + what + ", but the run reported no such thing"})
		}
	}
	for i, d := range res.Diagnostics {
		if !used[i] {
			msg := "unexpected " + d.Kind.String() + ": " + d.Rule + ": " + d.Msg
			out = append(out, Mismatch{d.Pos, msg})
		}
	}
	return out
}

func matches(e *lang.ExpectDecl, d *rt.Diagnostic) bool {
	switch e.Kind {
	case "deadlock":
		if d.Kind != rt.Deadlock {
			return false
		}
	case "violation":
		if d.Kind != rt.Violation {
			return false
		}
	case "fatal":
		if d.Kind != rt.Violation || !d.Fatal {
			return false
		}
	case "error":
		if d.Kind != rt.Error {
			return false
		}
	default:
		return false
	}
	if e.AtLine > 0 && d.Pos.Line != e.AtLine {
		return false
	}
	return strings.Contains(d.Rule+": "+d.Msg, e.Text)
}

// Load parses and compiles a script file.
func Load(filename string) (*Program, error) {
	src, err := os.ReadFile(filename)
	if err != nil {
		return nil, err
	}
	return LoadSource(filename, src)
}

// LoadSource parses and compiles a script held in memory.
func LoadSource(filename string, src []byte) (*Program, error) {
	f, err := lang.Parse(filename, src)
	if err != nil {
		return nil, err
	}
	return Compile(f)
}
