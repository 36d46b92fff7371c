package interp

import (
	"fmt"
	"os"
	"slices"
	"sort"
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
// lines. Every diagnostic must be expected by some line, and every line
// must hold over the one run: a finding expected always or sometimes must
// be in it, one expected never must not; ok means no finding. A script
// without expect lines expects ok.
func CheckExpectations(p *Program, res *Result) []Mismatch {
	seen := map[string]bool{}
	var fs []Finding
	var keys []string
	for _, d := range res.Diagnostics {
		k := FindingKey(d)
		if !seen[k] {
			seen[k] = true
			fs = append(fs, Finding{Key: k, Diag: d, Schedule: res.Schedule(), Count: 1})
			keys = append(keys, k)
		}
	}
	sortStrings(keys)
	er := &ExploreResult{Executions: 1, Complete: true, Findings: fs, Outcomes: []Outcome{{Keys: keys, Count: 1}}}
	return check(p, er, false)
}

// SingleRun reports whether the script opted out of exploration.
func (p *Program) SingleRun() bool { return p.singleRun }

// CheckExploration compares the findings of an exploration with the
// script's expect lines, as herd7 does: each expect line holds always
// (in every explored execution), sometimes (in at least one) or never
// (in none), as it says; without a quantifier, ok means always and a
// finding sometimes. Every finding of every execution must be expected
// by a line that allows it. A search a budget stopped fails.
func CheckExploration(p *Program, res *ExploreResult) []Mismatch {
	return check(p, res, true)
}

// Verdict is how one expect line fared over the explored executions.
type Verdict struct {
	Expect  *lang.ExpectDecl
	Matched int64  // executions in which it matched
	Total   int64  // executions explored
	Verdict string // Always, Sometimes or Never: what the search saw
	Holds   bool   // the line's quantifier agrees
}

// Quant returns the line's quantifier, the default filled in.
func quantOf(e *lang.ExpectDecl) string {
	switch {
	case e.Quant != "":
		return e.Quant
	case e.Kind == "ok":
		return "always"
	}
	return "sometimes"
}

// Describe prints the expect line as written, with its quantifier.
func Describe(e *lang.ExpectDecl) string {
	what := "expect " + e.Kind
	if e.Text != "" {
		what += fmt.Sprintf(" %q", e.Text)
	}
	if e.AtLine > 0 {
		what += fmt.Sprintf(" at %d", e.AtLine)
	}
	return what + " " + quantOf(e)
}

// Verdicts evaluates each expect line over the outcomes of a search.
func Verdicts(p *Program, res *ExploreResult) []Verdict { return verdicts(p, res, true) }

func verdicts(p *Program, res *ExploreResult, explored bool) []Verdict {
	byKey := map[string]*rt.Diagnostic{}
	for _, f := range res.Findings {
		byKey[f.Key] = f.Diag
	}
	var out []Verdict
	for _, e := range p.expects {
		v := Verdict{Expect: e, Total: res.Executions}
		for _, o := range res.Outcomes {
			hit := false
			if e.Kind == "ok" {
				hit = !slices.ContainsFunc(o.Keys, func(k string) bool { return byKey[k] == nil || !buildTime(byKey[k]) })
			} else {
				for _, k := range o.Keys {
					if d := byKey[k]; d != nil && matches(e, d) {
						hit = true
						break
					}
				}
			}
			if hit {
				v.Matched += o.Count
			}
		}
		switch {
		case v.Matched == 0:
			v.Verdict = "Never"
		case v.Matched == v.Total:
			v.Verdict = "Always"
		default:
			v.Verdict = "Sometimes"
		}
		switch quantOf(e) {
		case "always":
			v.Holds = v.Total > 0 && v.Matched == v.Total
		case "sometimes":
			// One run cannot refute "in some interleaving": a line that
			// says sometimes holds there either way; without a
			// quantifier, it must be found (the single-run meaning).
			v.Holds = v.Matched > 0 || !explored && e.Quant == "sometimes"
		case "never":
			v.Holds = v.Matched == 0
		}
		out = append(out, v)
	}
	return out
}

func check(p *Program, res *ExploreResult, explored bool) []Mismatch {
	var out []Mismatch
	where := "in the run"
	if explored {
		where = "over the explored interleavings"
	}
	for _, v := range verdicts(p, res, explored) {
		if v.Holds {
			continue
		}
		msg := fmt.Sprintf("%s does not hold %s: %s (%d of %d executions)", Describe(v.Expect), where, v.Verdict, v.Matched, v.Total)
		if !explored {
			msg = fmt.Sprintf("%s does not hold in the run", Describe(v.Expect))
			if v.Expect.Kind != "ok" && quantOf(v.Expect) != "never" {
				msg = "expected " + strings.TrimPrefix(Describe(v.Expect), "expect ") + ", but the run reported no such thing"
			}
		}
		if ex := example(p, res, v.Expect); ex != "" && quantOf(v.Expect) != "sometimes" {
			msg += " (" + ex + ")"
		}
		if v.Matched == 0 {
			msg += elsewhere(res, v.Expect)
		}
		out = append(out, Mismatch{v.Expect.Pos, msg})
	}
	for _, f := range res.Findings {
		allowed := false
		for _, e := range p.expects {
			// A finding a never line matches is reported by that line.
			if e.Kind != "ok" && matches(e, f.Diag) {
				allowed = true
			}
		}
		if allowed || buildTime(f.Diag) {
			continue
		}
		msg := "unexpected " + f.Diag.Kind.String() + ": " + f.Diag.Rule + ": " + f.Diag.Msg
		if explored {
			msg += fmt.Sprintf(" (in %d of %d executions; schedule: %s)", f.Count, res.Executions, FormatSchedule(f.Schedule))
		}
		out = append(out, Mismatch{f.Diag.Pos, msg})
	}
	if explored && !res.Complete {
		out = append(out, Mismatch{lang.Pos{Filename: p.File.Name}, IncompleteText(res)})
	}
	return out
}

// buildTime reports whether a finding is the compiler's (a discarded
// __must_check result) rather than the running kernel's. Expectations
// are about what the kernel does when the code runs, which the warning
// does not change: it is printed with the findings, and an expect line
// may name it, but it neither spoils `expect ok` nor is an unexpected
// finding. Scripts model kernel code and often leave out error paths the
// simulation never takes (mmscript sends no fatal signal, so a killable
// lock never fails): failing them for the warning would make a correct
// model of a correct path fail its test.
func buildTime(d *rt.Diagnostic) bool { return d.Kernel == rt.BuildTime }

// example names a finding that breaks an always/never line: for never,
// the schedule of a finding it matches.
func example(p *Program, res *ExploreResult, e *lang.ExpectDecl) string {
	if quantOf(e) != "never" || e.Kind == "ok" {
		return ""
	}
	for _, f := range res.Findings {
		if matches(e, f.Diag) {
			return "schedule: " + FormatSchedule(f.Schedule)
		}
	}
	return ""
}

// IncompleteText says what stopped a search, what it covered and how to
// go further.
func IncompleteText(res *ExploreResult) string {
	raise := map[string]string{
		"max-states":    "raise -max-states",
		"max-runs":      "raise -max-runs",
		"timeout":       "raise -timeout",
		"max-memory":    "raise -max-memory",
		"first-finding": "drop -first",
	}[res.Stopped]
	if raise == "" {
		raise = "split the script"
	}
	if res.Stopped == "too-many-threads" {
		return "not searched: the script has more than 64 threads, more than a search handles (split the script)"
	}
	if res.Stopped == "interrupted" {
		covered := "every interleaving"
		if res.Bounded {
			covered = fmt.Sprintf("every interleaving within %d preemptions", res.Bound)
		}
		return fmt.Sprintf("search interrupted after %d states, %d executions: not %s was covered, so nothing is proved",
			res.States, res.Executions, covered)
	}
	if res.Stopped == "first-finding" {
		return fmt.Sprintf("search stopped at its first finding (-first) after %d states, %d executions: other findings and the verdicts need the whole search (%s)",
			res.States, res.Executions, raise)
	}
	covered, or := "every interleaving", "or bound the search with -preemptions N"
	if res.Bounded {
		covered, or = fmt.Sprintf("every interleaving within %d preemptions", res.Bound), "or lower -preemptions"
	}
	return fmt.Sprintf("search stopped by its %s budget after %d states, %d executions: not %s was covered, so nothing is proved (%s, %s)",
		res.Stopped, res.States, res.Executions, covered, raise, or)
}

func sortStrings(xs []string) { sort.Strings(xs) }

// elsewhere names the lines at which a finding an `expect ... at LINE`
// would match without its line was reported: line numbers are absolute,
// so a line inserted above a statement moves its finding off the line an
// expectation names, and the mismatch is then more likely a stale number
// than a missing finding.
func elsewhere(res *ExploreResult, e *lang.ExpectDecl) string {
	if e.AtLine <= 0 {
		return ""
	}
	anywhere := *e
	anywhere.AtLine = 0
	var lines []int
	for _, f := range res.Findings {
		if l := f.Diag.ScriptLine(); l > 0 && matches(&anywhere, f.Diag) && !slices.Contains(lines, l) {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	slices.Sort(lines)
	var ls []string
	for _, l := range lines {
		ls = append(ls, fmt.Sprint(l))
	}
	return fmt.Sprintf("; the same finding was reported at line %s: did the script's lines move?", strings.Join(ls, ", "))
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
	if e.AtLine > 0 && d.ScriptLine() != e.AtLine {
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
