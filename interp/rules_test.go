package interp_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mmscript/mmscript/interp"
	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// The rule scripts (runtime/testdata) and the example suite (examples)
// are tests: each script's expect lines must match its run exactly, and
// together they must trigger every rule the runtime can report, so that
// removing a rule's check makes a test fail.

var scriptDirs = []string{"../runtime/testdata", "../examples", "../examples/*"} // examples/*: grouped by question

func scriptFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, dir := range scriptDirs {
		fs, err := filepath.Glob(filepath.Join(dir, "*.mms"))
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) == 0 {
			t.Fatalf("no scripts in %s", dir)
		}
		files = append(files, fs...)
	}
	return files
}

type scriptRun struct {
	file string
	prog *interp.Program
	res  *interp.Result
	// mismatches are the script's unmet expectations as `mmscript test`
	// checks them: in the default run, or, when that run does not meet
	// them and the script does not say single_run, over its explored
	// interleavings (a race that needs one).
	mismatches []interp.Mismatch
	// diags are the findings that checked them: the run's, or every
	// explored execution's.
	diags []*rt.Diagnostic
}

func runScript(t *testing.T, file string) scriptRun {
	t.Helper()
	p, err := interp.Load(file)
	if err != nil {
		t.Fatalf("%v", err)
	}
	res := interp.Run(p, interp.Options{})
	r := scriptRun{file: file, prog: p, res: res, mismatches: interp.CheckExpectations(p, res), diags: res.Diagnostics}
	if len(r.mismatches) > 0 && !p.SingleRun() {
		ex := interp.Explore(p, interp.ExploreOptions{})
		r.mismatches, r.diags = interp.CheckExploration(p, ex), nil
		for _, f := range ex.Findings {
			r.diags = append(r.diags, f.Diag)
		}
	}
	return r
}

func TestScriptExpectations(t *testing.T) {
	for _, file := range scriptFiles(t) {
		t.Run(filepath.Base(filepath.Dir(file))+"/"+filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			r := runScript(t, file)
			for _, m := range r.mismatches {
				t.Errorf("%s", m)
			}
		})
	}
}

// allRules returns every rule the runtime can report, by id.
func allRules() map[string]*rt.Rule {
	rules := map[string]*rt.Rule{}
	for _, r := range rt.GenericRules() {
		rules[r.ID] = r
	}
	for _, a := range rt.APIs() {
		for _, r := range a.Rules {
			rules[r.ID] = r
		}
	}
	return rules
}

// namedRule returns the rule an expect line names: its text is the rule id,
// or the id followed by ": " and the start of the message.
func namedRule(e *lang.ExpectDecl, rules map[string]*rt.Rule) string {
	for id := range rules {
		if e.Text == id || strings.HasPrefix(e.Text, id+": ") {
			return id
		}
	}
	return ""
}

// TestEveryRuleIsTriggered fails for a rule that no script triggers: some
// `expect violation "RULE" at LINE` (`expect fatal` for a BUG rule) must
// name it and be met, in that run, by a diagnostic of that rule at that
// line.
func TestEveryRuleIsTriggered(t *testing.T) {
	rules := allRules()
	if len(rules) == 0 {
		t.Fatal("the runtime reports no rules")
	}
	covered := map[string][]string{}
	for _, file := range scriptFiles(t) {
		r := runScript(t, file)
		for _, it := range r.prog.File.Items {
			e, ok := it.(*lang.ExpectDecl)
			if !ok || e.Kind != "violation" && e.Kind != "fatal" || e.AtLine == 0 {
				continue
			}
			id := namedRule(e, rules)
			if id == "" {
				continue
			}
			if rules[id].Kernel == rt.BUG && e.Kind != "fatal" {
				continue // a BUG must be expected as fatal: the task dies
			}
			for _, d := range r.diags {
				if d.Kind == rt.Violation && d.Rule == id && d.ScriptLine() == e.AtLine &&
					strings.Contains(d.Rule+": "+d.Msg, e.Text) && (e.Kind != "fatal" || d.Fatal) {
					covered[id] = append(covered[id], e.Pos.String())
					break
				}
			}
		}
	}
	var missing []string
	for id, r := range rules {
		if len(covered[id]) == 0 {
			how := `expect violation "` + id + `" at LINE`
			if r.Kernel == rt.BUG {
				how = `expect fatal "` + id + `" at LINE`
			}
			missing = append(missing, id+" (kernel: "+r.Kernel.String()+"): no script has a met "+how)
		}
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Error(m)
	}
	if testing.Verbose() {
		ids := make([]string, 0, len(covered))
		for id := range covered {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			t.Logf("%s: %s", id, strings.Join(covered[id], ", "))
		}
	}
}

// TestRuleScriptsHoldUnderExploration explores every rule script of
// runtime/testdata, as TestExamplesHoldUnderExploration does the examples
// and `mmscript test` does any script: TestScriptExpectations explores a
// script only when its default run misses an expectation, so a script
// whose default run passes and whose other interleavings fail (a model
// artefact, such as the deadlock vma_start_write's mark made when it was
// a lock its setter held) went unnoticed. A script that says
// `expect single_run` is checked on its one run only.
func TestRuleScriptsHoldUnderExploration(t *testing.T) {
	files, err := filepath.Glob("../runtime/testdata/*.mms")
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule scripts: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			p, err := interp.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			if p.SingleRun() {
				return
			}
			for _, m := range interp.CheckExploration(p, interp.Explore(p, interp.ExploreOptions{MaxStates: 2_000_000})) {
				t.Error(m)
			}
		})
	}
}
