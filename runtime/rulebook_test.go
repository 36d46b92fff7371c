package runtime

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// referencePath is the rule book, seen from this package's directory: the
// repository and shared/ are siblings (/work/main and /work/shared; CI
// checks shared/ out beside the repository).
const referencePath = "../../shared/reference/mm-locking-rules.md"

var backquoted = regexp.MustCompile("`([^`]+)`")

// section4Names returns the API names of the first column of section 4's
// summary table, and the former/future names it mentions ("ex `x`",
// "→ `x`"), which have no entry of their own. A family written in one
// backquoted name stands for its first member: `vmf_insert_pfn(_prot)` ->
// vmf_insert_pfn, `vm_flags_set/clear/mod` -> vm_flags_set,
// `get/pin_user_pages_fast` -> get_user_pages_fast. `->close` after
// `vm_ops->open` is vm_ops->close; `pin_..._remote` is a pattern.
func section4Names(t *testing.T, doc string) (names, renamed []string) {
	t.Helper()
	_, after, ok := strings.Cut(doc, "\n## 4. ")
	if !ok {
		t.Fatal("no section 4 in " + referencePath)
	}
	if i := strings.Index(after, "\n## "); i >= 0 {
		after = after[:i]
	}
	rows := 0
	for _, line := range strings.Split(after, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		rows++
		cell := strings.Split(line, "|")[1]
		owner := ""
		for _, m := range backquoted.FindAllStringSubmatchIndex(cell, -1) {
			tok := cell[m[2]:m[3]]
			before := strings.TrimRight(cell[:m[0]], " ")
			if strings.HasSuffix(before, "(ex") || strings.HasSuffix(before, "→") {
				renamed = append(renamed, tok)
				continue
			}
			if strings.HasPrefix(tok, "->") {
				tok = owner + tok
			}
			if o, _, ok := strings.Cut(tok, "->"); ok {
				owner = o
			}
			if i := strings.Index(tok, "("); i > 0 && strings.HasSuffix(tok, ")") {
				tok = tok[:i]
			}
			if first, rest, ok := strings.Cut(tok, "/"); ok && !strings.Contains(tok, "->") {
				if strings.Contains(first, "_") {
					tok = first // vm_flags_set/clear/mod
				} else if _, tail, ok := strings.Cut(rest, "_"); ok {
					tok = first + "_" + tail // get/pin_user_pages_fast
				}
			}
			names = append(names, tok)
		}
	}
	if rows < 50 {
		t.Fatalf("found only %d rows in section 4 of %s: has its format changed?", rows, referencePath)
	}
	return names, renamed
}

func TestRuleBookCoversSection4(t *testing.T) {
	doc, err := os.ReadFile(referencePath)
	if os.IsNotExist(err) {
		t.Skip(referencePath + " is absent")
	}
	if err != nil {
		t.Fatal(err)
	}
	names, renamed := section4Names(t, string(doc))
	for _, name := range names {
		if strings.Contains(name, "...") {
			pre, post, _ := strings.Cut(name, "...")
			re := regexp.MustCompile("^" + regexp.QuoteMeta(pre) + ".+" + regexp.QuoteMeta(post) + "$")
			found := false
			for _, a := range APIs() {
				found = found || re.MatchString(a.Name)
			}
			if !found {
				t.Errorf("section 4 names %s: no rule-book entry matches", name)
			}
			continue
		}
		if LookupAPI(name) == nil {
			t.Errorf("section 4 names %s: no rule-book entry (LookupAPI)", name)
		}
	}
	t.Logf("%d names in section 4; former/future names without an entry: %v", len(names), renamed)
}

func TestRuleBookEntriesComplete(t *testing.T) {
	for _, a := range APIs() {
		if a.Hold == "" || a.Sleeps == "" || a.Source == "" {
			t.Errorf("%s: empty Hold, Sleeps or Source (hold %q, sleeps %q, source %q)", a.Name, a.Hold, a.Sleeps, a.Source)
		}
		if a.Section == "" {
			t.Errorf("%s: no Section", a.Name)
		}
	}
	for _, name := range OpNames() {
		if LookupAPI(name) == nil {
			t.Errorf("op %s has no rule-book entry", name)
		}
	}
}

func TestRuleBookDocumentedOnly(t *testing.T) {
	for _, a := range documentedAPIs {
		if len(a.Rules) > 0 {
			t.Errorf("%s: a documented-only entry has Rules; move it next to its op", a.Name)
		}
	}
	table := MarkdownTable()
	for _, a := range APIs() {
		ex := a.Explain()
		row := ""
		for _, l := range strings.Split(table, "\n") {
			if strings.HasPrefix(l, "| `"+a.Name+"` |") {
				row = l
			}
		}
		switch {
		case LookupOp(a.Name) != nil:
			if strings.Contains(ex, "documented only") || !strings.HasSuffix(row, "| yes |") {
				t.Errorf("%s is an op, but explain or rules say otherwise:\n%s%s", a.Name, ex, row)
			}
		case handlerSlot(a.Name) != "":
			if !strings.Contains(ex, "status:  simulated as a script handler") || !strings.HasSuffix(row, "| handler |") {
				t.Errorf("%s is a script handler, but explain or rules say otherwise:\n%s%s", a.Name, ex, row)
			}
		default:
			want := "  status:  documented only: mmscript does not simulate " + a.Name + " yet\n"
			if !strings.Contains(ex, want) {
				t.Errorf("explain %s lacks %q:\n%s", a.Name, want, ex)
			}
			if !strings.HasSuffix(row, "| no |") {
				t.Errorf("rules row of %s is not marked simulated=no: %s", a.Name, row)
			}
		}
	}
	// vm_ops->huge_fault was the last documented-only entry; one added
	// later is checked by the default case above.
	for _, hook := range []string{"vm_ops->fault", "vm_ops->map_pages", "vm_ops->open", "vm_ops->close", "vm_ops->pfn_mkwrite", "vm_ops->huge_fault", "f_op->mmap", "f_op->mmap_prepare"} {
		if handlerSlot(hook) == "" {
			t.Errorf("%s: the runtime calls it as a handler, but handlerSlot does not know it", hook)
		}
	}
	for _, hook := range []string{"vm_ops->mmap", "f_op->fault"} {
		if handlerSlot(hook) != "" {
			t.Errorf("%s: handlerSlot says the runtime calls it", hook)
		}
	}
}

// TestRuleBookCitations: every entry cites the kernel source it was read
// from (file, function, and what was read), has a minimal call sequence,
// and the side tables name no entry that does not exist.
func TestRuleBookCitations(t *testing.T) {
	for _, a := range APIs() {
		if len(a.Cites) == 0 {
			t.Errorf("%s: no citation (add it to citeTable in rulebook_cite.go or set Cites in the entry)", a.Name)
		}
		for _, c := range a.Cites {
			if c.File == "" || c.Func == "" || c.Read == "" {
				t.Errorf("%s: incomplete citation %+v", a.Name, c)
			}
			if !strings.Contains(c.File, "/") || !strings.Contains(c.Func, "(") && !strings.HasPrefix(c.Func, "struct ") {
				t.Errorf("%s: citation %+v does not name a source file and a function", a.Name, c)
			}
		}
		if a.Sequence == "" {
			t.Errorf("%s: no call sequence (add it to sequenceTable in rulebook_seq.go)", a.Name)
		}
	}
	for name := range citeTable {
		if LookupAPI(name) == nil {
			t.Errorf("citeTable names %s, which has no rule-book entry", name)
		}
	}
	for name := range sequenceTable {
		if LookupAPI(name) == nil {
			t.Errorf("sequenceTable names %s, which has no rule-book entry", name)
		}
	}
}

// TestCitationsAreRead: no citation only repeats the rule book or the audit
// ("not re-read"): the issue-10 audit re-read them all against a kernel
// copy, and a new entry must be read before it cites.
func TestCitationsAreRead(t *testing.T) {
	for _, a := range APIs() {
		for _, c := range a.Cites {
			if strings.Contains(c.Read, "not re-read") {
				t.Errorf("%s: citation %s (%s) was not read in a kernel copy: %s", a.Name, c.Func, c.File, c.Read)
			}
		}
	}
}

// TestQueryWithRulesRefused: an entry marked a query (API.Query) says no
// call of it is wrong, so register refuses one that brings a rule.
func TestQueryWithRulesRefused(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("register accepted a query with a rule")
		}
		if LookupAPI("test_query_with_rules") != nil {
			t.Error("the refused entry was registered")
		}
	}()
	register(&API{Name: "test_query_with_rules", Query: "answers nothing", Rules: []*Rule{ruleSleepInAtomic}})
}

// TestQueriesAreExplained: explain says of a query that its call cannot
// be wrong and what the answer does not tell.
func TestQueriesAreExplained(t *testing.T) {
	n := 0
	for _, a := range APIs() {
		if a.Query == "" {
			continue
		}
		n++
		if out := a.Explain(); !strings.Contains(out, "query:") || !strings.Contains(out, a.Query) {
			t.Errorf("explain %s does not say it is a query:\n%s", a.Name, out)
		}
	}
	if n == 0 {
		t.Error("no entry is a query")
	}
}
