package runtime

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite ../docs/locking-per-api.rst from the rule book")

const docsPath = "../docs/locking-per-api.rst"

// TestLockingDocUpToDate fails when the committed section differs from what
// `mmscript rules --rst` prints: a rule-book entry or an example changed
// without regenerating it.
func TestLockingDocUpToDate(t *testing.T) {
	idx, err := IndexExamples("../examples")
	if err != nil {
		t.Fatal(err)
	}
	want := LockingRST(LockingDocs(idx))
	if *updateDocs {
		if err := os.WriteFile(docsPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) == want {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(want, "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("%s is stale (first difference at line %d):\n  committed: %q\n  generated: %q\n"+
				"regenerate: go run ./cmd/mmscript rules --rst > docs/locking-per-api.rst (or go test ./runtime -run LockingDoc -update-docs)",
				docsPath, i+1, g, w)
		}
	}
}

// TestLockingDocBuildsWithDocutils builds the section with docutils, warnings
// as errors, when docutils is installed (CI installs it).
func TestLockingDocBuildsWithDocutils(t *testing.T) {
	// Debian's python3-docutils installs rst2html; pip's docutils before
	// 0.21 installs rst2html.py only.
	tool, err := exec.LookPath("rst2html")
	if err != nil {
		tool, err = exec.LookPath("rst2html.py")
	}
	if err != nil {
		t.Skip("docutils (rst2html) is not installed")
	}
	idx, err := IndexExamples("../examples")
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "locking-per-api.rst")
	if err := os.WriteFile(src, []byte(LockingRST(LockingDocs(idx))), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "--halt=warning", "--report=warning", src, os.DevNull).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", tool, err, out)
	}
}

func TestRSTText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"mmap lock for write", "mmap lock for write"},
		{"BUG_ON(mmap_read_trylock(vma->vm_mm)) on the path", "``BUG_ON(mmap_read_trylock(vma->vm_mm))`` on the path"},
		{"vm_flags_* functions", "``vm_flags_*`` functions"},
		{"the VMA has ->map_pages (x)", "the VMA has ``->map_pages`` (x)"},
		{"mm/memory.c: insert_page()", "mm/memory.c: ``insert_page()``"},
		{"include/linux/mmap_lock.h", `include/linux/mmap\_lock.h`},
		{"a *pointer* and `tick` | pipe", `a \*pointer\* and \` + "`" + `tick\` + "`" + ` \| pipe`},
		{"PTE lock, RCU, VM_PFNMAP", "PTE lock, RCU, ``VM_PFNMAP``"},
		{"vm_ops->fault's lock", "``vm_ops->fault``'s lock"},
		{"0x10 and §2.1", "0x10 and §2.1"},
		{"unbalanced f(x", "unbalanced f(x"},
		{"do_x(a, b)s", "``do_x(a, b)``\\ s"},
		// a literal may not start right after ')': an escaped space lets it
		{"(!(*vmap)->anon_vma)", "(!(\\*vmap)\\ ``->anon_vma``)"},
	} {
		if got := rstText(c.in); got != c.want {
			t.Errorf("rstText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestIndexExamples(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ex")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	scripts := map[string]string{
		"good.mms": "mm m\nvma v = mmap(m, 0x100000, pages=1)\nthread t {\n  mmap_read_lock(m)\n  zap_vma_range(v, 0x100000, pages=1)\n  mmap_read_unlock(m)\n}\nexpect ok\n",
		"bad.mms": "mm m\nfile f\nops drv {\n  fault(vmf) {\n    mmap_read_lock(vmf.vma.vm_mm)\n    return VM_FAULT_SIGBUS\n  }\n}\n" +
			"vma v = mmap(m, 0x100000, pages=1, file=f, ops=drv)\nthread t {\n  touch(m, 0x100000)\n  zap_vma_range(v, 0x100000, pages=1)\n}\n" +
			"expect violation \"lock/recursive\" at 5\nexpect violation \"vma_lookup/unstable-result\"\n",
	}
	for name, src := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	idx, err := IndexExamples(dir)
	if err != nil {
		t.Fatal(err)
	}
	render := func(api string) string {
		var ss []string
		for _, r := range idx[api] {
			s := r.File
			if !r.Correct {
				s += " bad"
			}
			ss = append(ss, s)
		}
		return strings.Join(ss, ",")
	}
	for api, want := range map[string]string{
		"zap_vma_range":    "ex/good.mms",                // called on a line with no expected finding in bad.mms
		"mmap_read_lock":   "ex/bad.mms bad,ex/good.mms", // line 5 of bad.mms calls it
		"vm_ops->fault":    "ex/bad.mms bad",             // line 5 is inside the fault handler
		"touch":            "",                           // bad.mms expects nothing at its line
		"mmap":             "ex/good.mms",
		"vma_lookup":       "", // named by a rule id, but not called
		"mmap_read_unlock": "ex/good.mms",
	} {
		if got := render(api); got != want {
			t.Errorf("examples of %s = %q, want %q", api, got, want)
		}
	}
	if _, err := IndexExamples(filepath.Join(dir, "missing")); err == nil {
		t.Error("IndexExamples of a missing directory: no error")
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.mms"), []byte("thread {"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := IndexExamples(dir); err == nil || !strings.Contains(err.Error(), "broken.mms") {
		t.Errorf("a script that does not parse: err = %v, want one naming broken.mms", err)
	}
}

// TestLockingFormatsAgree checks that --rst, --md and --json carry the same
// entries with the same facts.
func TestLockingFormatsAgree(t *testing.T) {
	idx, err := IndexExamples("../examples")
	if err != nil {
		t.Fatal(err)
	}
	docs := LockingDocs(idx)
	rst, md := LockingRST(docs), LockingMarkdown(docs)
	js, err := LockingJSON(docs)
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Groups []struct {
			Title string `json:"title"`
			APIs  []struct {
				Name string `json:"name"`
			} `json:"apis"`
		} `json:"groups"`
	}
	if err := json.Unmarshal(js, &parsed); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range parsed.Groups {
		if !strings.Contains(rst, "\n"+g.Title+"\n---") || !strings.Contains(md, "\n## "+g.Title+"\n") {
			t.Errorf("group %q missing from the RST or Markdown", g.Title)
		}
		for _, a := range g.APIs {
			names = append(names, a.Name)
		}
	}
	if len(names) != len(APIs()) || len(docs) != len(APIs()) {
		t.Fatalf("JSON has %d entries, docs %d, rule book %d", len(names), len(docs), len(APIs()))
	}
	for i, d := range docs {
		if names[i] != d.Name {
			t.Fatalf("JSON entry %d is %s, want %s", i, names[i], d.Name)
		}
		if !strings.Contains(rst, "\n``"+d.Name+"()``\n^^^") || !strings.Contains(md, "\n### `"+d.Name+"()`\n") {
			t.Errorf("%s: no heading in the RST or Markdown", d.Name)
		}
		hold := "Caller must hold"
		if d.StepOf != "" {
			hold = "Runs with"
		}
		for _, f := range []struct{ label, v string }{{hold, d.Hold}, {"May sleep", d.Sleeps}} {
			if !strings.Contains(rst, ":"+f.label+": "+rstText(f.v)+"\n") || !strings.Contains(md, "* **"+f.label+"**: "+mdText(f.v)+"\n") {
				t.Errorf("%s: %s %q not in both RST and Markdown", d.Name, f.label, f.v)
			}
		}
		if d.StepOf != "" {
			continue // a step's examples are its path's
		}
		for _, e := range append(append([]ExampleRef{}, d.Correct...), d.Incorrect...) {
			if !strings.Contains(rst, "``"+e.File+"``") || !strings.Contains(md, "`"+e.File+"`") {
				t.Errorf("%s: example %s not named in both", d.Name, e.File)
			}
		}
	}
}

// TestRSTWrap: a field body longer than docutils' line limit is broken at
// spaces into indented continuation lines, none over rstMaxLine, that
// read back as the same words; a short one is left alone.
func TestRSTWrap(t *testing.T) {
	tests := []struct {
		name  string
		words int
	}{{"short", 3}, {"one break", 500}, {"several breaks", 3000}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ws []string
			for i := 0; i < tc.words; i++ {
				ws = append(ws, fmt.Sprintf("``examples/e%04d.mms``,", i))
			}
			in := strings.Join(ws, " ")
			out := rstWrap(in)
			lines := strings.Split(out, "\n")
			for i, l := range lines {
				if len(l) > rstMaxLine+2 || i > 0 && !strings.HasPrefix(l, "  ") {
					t.Fatalf("line %d: %d characters, %q...", i, len(l), l[:min(len(l), 20)])
				}
			}
			if got := strings.Join(strings.Fields(out), " "); got != in {
				t.Fatal("the words changed")
			}
			if (len(lines) > 1) != (len(in) > rstMaxLine) {
				t.Fatalf("%d lines for %d characters", len(lines), len(in))
			}
		})
	}
}
