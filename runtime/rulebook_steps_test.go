package runtime

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mmscript/mmscript/lang"
)

// libraryCallGraph returns, per function of the kernel library, the names
// its body calls.
func libraryCallGraph(t *testing.T) map[string]map[string]bool {
	t.Helper()
	g := map[string]map[string]bool{}
	for _, src := range KernelLibrary() {
		f, err := lang.Parse(src.Name, src.Text)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range f.Items {
			if fd, ok := it.(*lang.FuncDecl); ok {
				sc, _ := collectCalls([]lang.Item{fd})
				g[fd.Def.Name] = sc.called
			}
		}
	}
	return g
}

// section2Names returns the names in backquotes in the headings of the
// rule book's section 2 (the APIs each section is about), without "()".
func section2Names(doc string) []string {
	var names []string
	for _, l := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(l, "### 2.") {
			continue
		}
		for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(l, -1) {
			name, _, _ := strings.Cut(m[1], "(")
			names = append(names, name)
		}
	}
	return names
}

// TestKernelPathSteps checks the classification of rulebook_steps.go both
// ways: a step is no API of the rule book (a section 2 heading or a section
// 4 row) and no entry point of process_addrs.rst, and its path runs it (or
// takes what it returns).
func TestKernelPathSteps(t *testing.T) {
	var ruleBookAPIs []string
	if doc, err := os.ReadFile(referencePath); err == nil {
		ruleBookAPIs, _ = section4Names(t, string(doc))
		ruleBookAPIs = append(ruleBookAPIs, section2Names(string(doc))...)
	} else if !os.IsNotExist(err) {
		t.Fatal(err)
	}
	g := libraryCallGraph(t)
	reaches := func(from, to string) bool {
		seen := map[string]bool{}
		var walk func(fn string) bool
		walk = func(fn string) bool {
			if seen[fn] {
				return false
			}
			seen[fn] = true
			for callee := range g[fn] {
				if callee == to || walk(callee) {
					return true
				}
			}
			return false
		}
		return walk(from)
	}
	for name, path := range kernelPathSteps {
		a := LookupAPI(name)
		if a == nil {
			t.Errorf("kernelPathSteps names %s, which has no rule-book entry", name)
			continue
		}
		if slices.Contains(ruleBookAPIs, name) {
			t.Errorf("%s is an API of the rule book (a section 2 heading or a section 4 row), not a step", name)
		}
		if slices.Contains(processAddrsEntryPoints, name) {
			t.Errorf("%s is an entry point of process_addrs.rst: an API, not a step", name)
		}
		if a.Step != path {
			t.Errorf("%s: Step is %q, kernelPathSteps says %q", name, a.Step, path)
		}
		if _, ok := g[path]; !ok {
			t.Errorf("%s: its path %s is no function of the kernel library", name, path)
			continue
		}
		if reaches(path, name) {
			continue
		}
		// A constructor of the path's argument (C's PAGETABLE_MOVE()).
		op, pathOp := LookupOp(name), LookupOp(path)
		if op != nil && pathOp != nil && slices.ContainsFunc(pathOp.Params, func(p Param) bool { return p.Type == op.Result && op.Result != TNil }) {
			continue
		}
		t.Errorf("%s: the kernel library's %s() neither calls it (directly or through its callees) nor takes what it returns", name, path)
	}
	for _, a := range APIs() {
		if a.IsStep() && kernelPathSteps[a.Name] == "" {
			t.Errorf("%s: Step %q set in its entry; list it in kernelPathSteps so its classification is checked", a.Name, a.Step)
		}
	}
}

// TestStepsPresentedAsSteps: the summary table, the generated section and
// explain present a step as one, not as an API with caller requirements.
func TestStepsPresentedAsSteps(t *testing.T) {
	table := MarkdownTable()
	api, steps, ok := strings.Cut(table, "\nSteps of mmscript's kernel paths")
	if !ok {
		t.Fatal("rules: no table of kernel-path steps")
	}
	docs := LockingDocs(nil)
	rst := LockingRST(docs)
	for _, a := range APIs() {
		row := "| `" + a.Name + "` |"
		heading := "``" + a.Name + "()``\n^^^"
		_, entry, _ := strings.Cut(rst, heading)
		entry, _, _ = strings.Cut(entry, "\n\n``")
		if !a.IsStep() {
			if !strings.Contains(api, row) || strings.Contains(steps, row) {
				t.Errorf("%s: an API, but not (only) in the rules table of APIs", a.Name)
			}
			continue
		}
		if strings.Contains(api, row) || !strings.Contains(steps, row) {
			t.Errorf("%s: a step, but not (only) in the rules table of steps", a.Name)
		}
		if !strings.Contains(entry, ":Step of: ") || strings.Contains(entry, ":Caller must hold:") {
			t.Errorf("%s: its generated entry does not present it as a step:\n%s", a.Name, entry)
		}
		if ex := a.Explain(); !strings.Contains(ex, "  step of: "+a.Step+"()") || strings.Contains(ex, "  hold:") {
			t.Errorf("%s: explain does not present it as a step:\n%s", a.Name, ex)
		}
	}
}
