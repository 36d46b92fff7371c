package runtime

// The "Locking requirements per API" section that
// Documentation/mm/process_addrs.rst lacks, generated from the rule book
// (the same API entries and Rules that drive the checks) and from the
// example scripts that prove each entry. `mmscript rules --rst|--md|--json`
// prints it; docs/locking-per-api.rst is its committed copy.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/mmscript/mmscript/lang"
)

// ExampleRef is an example script that calls an API (or defines a handler
// of that name) and proves one side of its rule: Correct scripts expect
// nothing but ok; an incorrect one expects a finding that names one of the
// API's own rule ids, or a rule of the context only this API of the script
// opens (API.Opens), or a finding at a line that calls the API (or inside
// the handler) and names no rule of another API called there.
type ExampleRef struct {
	File    string `json:"file"`
	Correct bool   `json:"correct"`
	Line    int    `json:"line,omitempty"`   // where the finding is expected (incorrect examples)
	Expect  string `json:"expect,omitempty"` // the expectation, e.g. `violation "lock/recursive"`
}

// handlerAPI names the rule-book entry of an ops block's handler slot.
func handlerAPI(slot string) string {
	switch slot {
	case "mmap", "mmap_prepare":
		return "f_op->" + slot
	case "pte_entry":
		return "" // mm_walk_ops, part of the walker's entry
	}
	return "vm_ops->" + slot
}

// IndexExamples parses every .mms script below dir and returns, per API
// name, the examples that prove it, sorted by file. Script syntax errors are
// returned: the example suite must parse.
func IndexExamples(dir string) (map[string][]ExampleRef, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".mms") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	idx := map[string][]ExampleRef{}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		f, err := lang.Parse(path, src)
		if err != nil {
			return nil, err
		}
		name, _ := filepath.Rel(filepath.Dir(dir), path)
		indexScript(idx, filepath.ToSlash(name), f)
	}
	return idx, nil
}

// scriptCalls records, per line, the APIs a script calls there and the
// handler the line belongs to.
type scriptCalls struct {
	byLine map[int][]string
	all    map[string]bool
	called map[string]bool // every name called, API or not (a script's or the library's own functions)
}

func (s *scriptCalls) add(line int, api string) {
	if api != "" {
		s.called[api] = true
	}
	if api == "" || LookupAPI(api) == nil {
		return
	}
	s.byLine[line] = append(s.byLine[line], api)
	s.all[api] = true
}

// macroOps are the operations the kernel's macros run, as the
// interpreter expands them: VMA_ITERATOR's vma_iter_init, the step of
// for_each_vma (vma_next) and of for_each_vma_range (vma_find).
var macroOps = map[string]string{"VMA_ITERATOR": "vma_iter_init", "for_each_vma": "vma_next", "for_each_vma_range": "vma_find"}

// collectCalls walks items (a script's, or one library function's) and
// returns the calls it makes, by line, and its expectations.
func collectCalls(items []lang.Item) (*scriptCalls, []*lang.ExpectDecl) {
	sc := &scriptCalls{byLine: map[int][]string{}, all: map[string]bool{}, called: map[string]bool{}}
	var expects []*lang.ExpectDecl
	var expr func(e lang.Expr, handler string)
	var block func(b *lang.Block, handler string)
	var stmt func(s lang.Item, handler string)
	expr = func(e lang.Expr, handler string) {
		switch e := e.(type) {
		case *lang.CallExpr:
			sc.add(e.Pos.Line, e.Name)
			if op, ok := macroOps[e.Name]; ok {
				sc.add(e.Pos.Line, op) // VMA_ITERATOR(vmi, mm, addr): vma_iter_init
			}
			sc.add(e.Pos.Line, handler)
			for _, a := range e.Args {
				expr(a.Value, handler)
			}
		case *lang.SelectorExpr:
			expr(e.X, handler)
		case *lang.IndexExpr: // pages[i]: page_array_get
			sc.add(e.Pos.Line, "page_array_get")
			expr(e.X, handler)
			expr(e.Index, handler)
		case *lang.UnaryExpr:
			expr(e.X, handler)
		case *lang.BinaryExpr:
			expr(e.X, handler)
			expr(e.Y, handler)
		case *lang.ParenExpr:
			expr(e.X, handler)
		}
	}
	block = func(b *lang.Block, handler string) {
		if b == nil {
			return
		}
		for _, s := range b.Stmts {
			stmt(s, handler)
		}
		if handler != "" && b.Close != nil {
			sc.add(b.Close.Pos.Line, handler) // checks on return are reported at the brace
		}
	}
	stmt = func(s lang.Item, handler string) {
		if st, ok := s.(lang.Stmt); ok && handler != "" {
			sc.add(st.Position().Line, handler)
		}
		switch s := s.(type) {
		case *lang.ThreadDecl:
			block(s.Body, "")
		case *lang.OpsDecl:
			for _, h := range s.Handlers {
				sc.add(h.Pos.Line, handlerAPI(h.Name))
				block(h.Body, handlerAPI(h.Name))
			}
		case *lang.FuncDecl:
			block(s.Def.Body, "")
		case *lang.ExpectDecl:
			expects = append(expects, s)
		case *lang.VarDecl:
			if s.Value != nil {
				expr(s.Value, handler)
			}
		case *lang.AssignStmt:
			expr(s.Value, handler)
		case *lang.FieldAssignStmt: // the field's setter (FieldStore)
			for _, st := range FieldStoresByName(s.X.Name) {
				// each type's store where several have the field
				// (vma: a vma_remap_struct's, a follow_pfnmap_args's)
				sc.add(s.Pos.Line, st.Op)
			}
			expr(s.X.X, handler)
			expr(s.Value, handler)
		case *lang.DerefAssignStmt:
			expr(s.Value, handler)
		case *lang.ExprStmt:
			expr(s.X, handler)
		case *lang.IfStmt:
			for s != nil {
				expr(s.Cond, handler)
				block(s.Then, handler)
				if s.Else == nil {
					break
				}
				block(s.Else.Block, handler)
				s = s.Else.If
			}
		case *lang.ForStmt:
			if s.X != nil {
				expr(s.X, handler)
			} else {
				expr(s.Lo, handler)
				expr(s.Hi, handler)
			}
			block(s.Body, handler)
		case *lang.WhileStmt:
			expr(s.Cond, handler)
			block(s.Body, handler)
		case *lang.RepeatStmt:
			expr(s.Count, handler)
			block(s.Body, handler)
		case *lang.AssertStmt:
			expr(s.Cond, handler)
		case *lang.ReturnStmt:
			if s.Value != nil {
				expr(s.Value, handler)
			}
		}
	}
	for _, it := range items {
		stmt(it, "")
	}
	return sc, expects
}

func indexScript(idx map[string][]ExampleRef, file string, f *lang.File) {
	sc, expects := collectCalls(f.Items)
	correct := len(expects) > 0
	for _, e := range expects {
		correct = correct && e.Kind == "ok"
	}
	if correct {
		for api := range sc.all {
			idx[api] = append(idx[api], ExampleRef{File: file, Correct: true})
		}
		return
	}
	for _, e := range expects {
		if e.Kind == "ok" {
			continue
		}
		proves := map[string]bool{}
		// At its line, an expectation proves the APIs whose own rule it
		// names; one that names none of theirs (a generic rule, a
		// deadlock) proves every API called there.
		var owners []string
		// A handler is proved by any finding inside it: what its body
		// calls there breaks the context the handler runs in.
		for _, api := range sc.byLine[e.AtLine] {
			if isHandler(api) {
				proves[api] = true
			} else if ownsRule(LookupAPI(api), e.Text) {
				owners = append(owners, api)
			}
		}
		if owners == nil {
			owners = sc.byLine[e.AtLine]
		}
		for _, api := range owners {
			proves[api] = true
		}
		opened := map[*Rule][]string{}
		for api := range sc.all {
			if ownsRule(LookupAPI(api), e.Text) {
				proves[api] = true
			}
			for _, r := range LookupAPI(api).Opens {
				if e.Text != "" && strings.HasPrefix(e.Text, r.ID) {
					opened[r] = append(opened[r], api)
				}
			}
		}
		for _, by := range opened {
			// A rule of the context an API opens proves that API only
			// when the script opens that context no other way: with
			// local_irq_save() and local_irq_disable() both called, a
			// sleep with IRQs off shows no one of them misused.
			if len(by) == 1 {
				proves[by[0]] = true
			}
		}
		want := e.Kind
		if e.Text != "" {
			want += fmt.Sprintf(" %q", e.Text)
		}
		for api := range proves {
			idx[api] = append(idx[api], ExampleRef{File: file, Line: e.AtLine, Expect: want})
		}
	}
	for api := range idx {
		refs := idx[api]
		sort.SliceStable(refs, func(i, j int) bool {
			if refs[i].File != refs[j].File {
				return refs[i].File < refs[j].File
			}
			return refs[i].Line < refs[j].Line
		})
	}
}

func isHandler(api string) bool {
	return strings.HasPrefix(api, "vm_ops->") || strings.HasPrefix(api, "f_op->")
}

// ownsRule reports whether the expectation text names a rule of a's own:
// one of its Rules that is not a generic lock rule.
func ownsRule(a *API, text string) bool {
	if text == "" {
		return false
	}
	for _, r := range a.Rules {
		if !isGeneric(r) && strings.HasPrefix(text, r.ID) {
			return true
		}
	}
	return false
}

func isGeneric(r *Rule) bool {
	for _, g := range genericRules {
		if g == r {
			return true
		}
	}
	return false
}

// CheckDoc is one check of an API as the generated section shows it.
type CheckDoc struct {
	ID     string   `json:"id"`
	Doc    string   `json:"doc"`
	Kernel Reaction `json:"kernel"`
	Source string   `json:"source"`
	// Older are the reactions of older kernels where they differ.
	Older []VersionReaction `json:"older,omitempty"`
	// Config is the kernel option without which the kernel prints nothing
	// (lockdep and debug-only checks), or "".
	Config string `json:"needs_config,omitempty"`
}

// APIDoc is one entry of the generated section.
type APIDoc struct {
	Name    string `json:"name"`
	Section string `json:"rule_book_section"`
	// StepOf names the kernel path of a step (API.Step), "" for an API.
	StepOf    string       `json:"step_of,omitempty"`
	Query     string       `json:"query,omitempty"` // API.Query
	Hold      string       `json:"caller_holds"`
	Takes     string       `json:"takes"`
	Sleeps    string       `json:"may_sleep"`
	Asserts   string       `json:"kernel_checks"`
	Checks    []CheckDoc   `json:"mmscript_checks"`
	Sequence  string       `json:"call_sequence,omitempty"`
	Notes     string       `json:"notes,omitempty"`
	Source    string       `json:"source"`
	Cites     []Cite       `json:"cites"`
	Simulated string       `json:"simulated"`
	Correct   []ExampleRef `json:"correct_examples"`
	Incorrect []ExampleRef `json:"incorrect_examples"`
}

// docGroup is a heading of the generated section: the rule-book sections
// under it answer one question.
type docGroup struct {
	Title    string
	Sections []string // rule-book section numbers, or prefixes ending in "."
}

var docGroups = []docGroup{
	{"Locks", []string{"1."}},
	{"Installing pages", []string{"2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"}},
	{"Zapping", []string{"2.8", "2.9"}},
	{"Pinning and getting user pages (GUP)", []string{"2.10", "2.11", "2.12", "2.13"}},
	{"Looking up and expanding VMAs", []string{"2.14", "2.15", "2.20"}},
	{"VMA flags and fields", []string{"2.16", "2.17", "2.25"}},
	{"Faults and VMA read locks", []string{"2.18", "2.19"}},
	{"Page-table walks", []string{"2.21", "2.22", "2.23"}},
	{"Accessing another process's memory", []string{"2.24"}},
	{"Handlers", []string{"2.26", "2.27", "2.28"}},
	{"Unmapping, freeing and moving page tables", []string{"2.29", "2.30", "2.31", "2.32"}},
	{"Reverse map and reclaim", []string{"2.33", "2.34", "2.35", "2.36"}},
	{"Huge PMD splitting, MMU notifiers and TLB flushing", []string{"2.37", "2.38", "2.39", "2.40"}},
	{"Page-table entries and their locks", []string{"6."}},
	{"Memory advice", []string{"2.41"}},
	{"Userfaultfd", []string{"2.42"}},
	{"Pages", []string{"-"}},
}

// stepsGroup is the last heading: the steps of the kernel paths, which are
// not APIs and come after every API (and after "Other").
const stepsGroup = "Steps of mmscript's kernel paths"

const stepsIntro = "Not APIs a caller uses: steps of the kernel paths that mmscript's kernel library (runtime/kernel/*.mms) " +
	"runs statement by statement, each named after the kernel function or statement it models. " +
	"What they run with is what the path holds at that point; the path's own entry above states what its caller must hold, " +
	"and the path's examples prove it."

// docGroup returns the index of an entry's heading: a step's is after
// every group of APIs.
func (d *APIDoc) docGroup() int {
	if d.StepOf != "" {
		return len(docGroups) + 1
	}
	return groupOf(d.Section)
}

func groupTitle(g int) string {
	switch {
	case g < len(docGroups):
		return docGroups[g].Title
	case g == len(docGroups):
		return "Other"
	}
	return stepsGroup
}

// groupOf returns the index in docGroups of a rule-book section, or
// len(docGroups) for "Other".
func groupOf(section string) int {
	for i, g := range docGroups {
		for _, s := range g.Sections {
			if section == s || strings.HasSuffix(s, ".") && strings.HasPrefix(section, s) {
				return i
			}
		}
	}
	return len(docGroups)
}

// sectionLess orders rule-book sections numerically ("2.9" < "2.10").
func sectionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		var x, y int
		_, ex := fmt.Sscan(pa[i], &x)
		_, ey := fmt.Sscan(pb[i], &y)
		if ex != nil || ey != nil {
			if pa[i] != pb[i] {
				return pa[i] < pb[i]
			}
			continue
		}
		if x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}

// LockingDocs builds the per-API entries, ordered by group, rule-book
// section and name, from the rule book and an example index (IndexExamples).
func LockingDocs(examples map[string][]ExampleRef) []APIDoc {
	var docs []APIDoc
	for _, a := range APIs() {
		d := APIDoc{Name: a.Name, Section: a.Section, StepOf: a.stepOf(), Hold: a.Hold, Takes: a.Takes, Sleeps: a.Sleeps,
			Asserts: a.Asserts, Sequence: a.Sequence, Notes: a.Notes, Source: a.Source, Cites: a.Cites, Simulated: a.simulated(), Query: a.Query,
			Checks: []CheckDoc{}, Correct: []ExampleRef{}, Incorrect: []ExampleRef{}}
		if d.Cites == nil {
			d.Cites = []Cite{}
		}
		for _, r := range append(a.Rules[:len(a.Rules):len(a.Rules)], a.Opens...) {
			d.Checks = append(d.Checks, CheckDoc{r.ID, r.Doc, r.Kernel, r.Source, r.Older(), r.NeedsConfig(r.Kernel)})
		}
		for _, e := range examples[a.Name] {
			if e.Correct {
				d.Correct = append(d.Correct, e)
			} else {
				d.Incorrect = append(d.Incorrect, e)
			}
		}
		docs = append(docs, d)
	}
	sort.SliceStable(docs, func(i, j int) bool {
		gi, gj := docs[i].docGroup(), docs[j].docGroup()
		if gi != gj {
			return gi < gj
		}
		if docs[i].Section != docs[j].Section {
			return sectionLess(docs[i].Section, docs[j].Section)
		}
		return docs[i].Name < docs[j].Name
	})
	return docs
}

const docTitle = "Locking requirements per API"

const docIntro = "For each API: what the caller must hold, what the call takes itself and in which order, " +
	"whether it may sleep, what the kernel checks and how it reacts when the rule is broken, " +
	"a minimal correct call sequence, and where the rule was read in the kernel source. " +
	"Reactions: BUG (BUG_ON() or BUG(): an oops, the task dies holding its locks); " +
	"WARN (WARN_ON() and the asserts built on it, on every kernel: the kernel warns and continues); " +
	"lockdep (a lockdep report, printed only with CONFIG_PROVE_LOCKING; an mmap_assert_*() is a WARN on every kernel " +
	"when nobody holds the lock and lockdep-only when another task does); " +
	"debug-only (VM_WARN_ON*(), VM_BUG_ON*(), might_sleep() or DEBUG_RWSEMS_WARN_ON(): compiled in only with CONFIG_DEBUG_VM, " +
	"CONFIG_DEBUG_ATOMIC_SLEEP or CONFIG_DEBUG_RWSEMS; lockdep does not compare the mode an rwsem is released in with the mode it is held in); " +
	"unchecked (the kernel has no check: a silent race or use-after-free). " +
	"Every lock operation is also subject to the general rules: nothing that sleeps under a spinlock or " +
	"in an RCU read-side critical section, never wait for the mmap lock while holding a VMA read lock, " +
	"and the lock order of mm/rmap.c."

const docGenerated = "Generated by ``mmscript rules --rst`` from mmscript's rule book (the data its checks run on) " +
	"and its example scripts; do not edit by hand."

// identRE finds what becomes literal text: an identifier with an
// underscore, an upper-case macro, a member access, or a call with its
// (balanced) arguments, as the caller extends it.
var identRE = regexp.MustCompile(`(?:->)?[A-Za-z_][A-Za-z0-9_]*(?:(?:->|\.)[A-Za-z_][A-Za-z0-9_]*)*\*?`)

// codeSpans splits s into plain text and code, calling plain and code in
// order. Code is a C-looking name (with '_', "->", a trailing "*" or "()",
// or all upper case and longer than one letter) with the call's balanced
// parentheses.
func codeSpans(s string, plain, code func(string)) {
	for s != "" {
		loc := identRE.FindStringIndex(s)
		if loc == nil {
			plain(s)
			return
		}
		start, end := loc[0], loc[1]
		if start > 0 && (isWordByte(s[start-1]) || s[start-1] == '.' || s[start-1] == '/') {
			// inside a word, a number (0x10, 2.1) or a path (mm/memory.c): not code
			plain(s[:end])
			s = s[end:]
			continue
		}
		if s[end-1] == '*' && (end-start < 2 || s[end-2] != '_') {
			end-- // a '*' only ends a name pattern such as vm_flags_*
		}
		word := s[start:end]
		if end < len(s) && s[end] == '(' {
			depth, j := 0, end
			for ; j < len(s); j++ {
				if s[j] == '(' {
					depth++
				} else if s[j] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if depth == 0 && j < len(s) {
				end = j + 1
				word = s[start:end]
			}
		}
		if !looksLikeCode(word) {
			plain(s[:end])
			s = s[end:]
			continue
		}
		plain(s[:start])
		code(word)
		s = s[end:]
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func looksLikeCode(w string) bool {
	if strings.ContainsAny(w, "_(*") || strings.Contains(w, "->") {
		return true
	}
	return len(w) > 1 && strings.ToUpper(w) == w && strings.ToLower(w) != w && w != "PTE" && w != "PMD" &&
		w != "PUD" && w != "PGD" && w != "P4D" && w != "VMA" && w != "VMAs" && w != "RCU" && w != "PTL" &&
		w != "TLB" && w != "GUP" && w != "IRQ" && w != "OOM" && w != "THP" && w != "BUG" && w != "WARN" &&
		w != "CPU" && w != "IO" && w != "NULL" && w != "COW" && w != "PAT" && w != "MMU" && w != "API" &&
		w != "I" && w != "UAF" && w != "KSM" && w != "SRCU" && w != "PFN" && w != "NUMA" && w != "CVE"
}

// rstText renders free text as reStructuredText: code in “literal“
// markup, and the characters that would start inline markup escaped.
func rstText(s string) string {
	var b strings.Builder
	plain := func(t string) {
		for _, r := range t {
			switch r {
			case '*', '`', '|', '_', '\\':
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
	}
	code := func(t string) {
		// An inline literal starts only after white space or one of
		// ' " ( [ { < - / : (docutils' inline markup recognition rules);
		// after anything else, as in "(*vmap)->anon_vma", an escaped
		// space lets it start.
		if out := b.String(); out != "" && !strings.ContainsRune(" \t\n'\"([{<-/:", rune(out[len(out)-1])) {
			b.WriteString("\\ ")
		}
		b.WriteString("``" + t + "``")
		b.WriteString("\\ ") // an escaped space: ends the literal even before a letter, renders as nothing
	}
	codeSpans(s, plain, code)
	out := b.String()
	// "\ " before white space or the end is not needed, and "\ " then a
	// punctuation mark renders the same without it.
	out = regexp.MustCompile(`\\ ( |$)`).ReplaceAllString(out, "$1")
	out = regexp.MustCompile(`\\ ([-.,:;!?/'")\]}>])`).ReplaceAllString(out, "$1")
	return out
}

// mdText renders free text as Markdown: code in `backquotes`, and the
// table separator escaped.
func mdText(s string) string {
	var b strings.Builder
	codeSpans(s, func(t string) {
		for _, r := range t {
			switch r {
			case '*', '_', '|', '\\', '[', ']', '<', '>':
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
	}, func(t string) { b.WriteString("`" + strings.ReplaceAll(t, "|", "\\|") + "`") })
	return b.String()
}

// entryText is the text of one entry's fields, rendered by one of the
// markup functions; the RST and Markdown generators share it so they print
// the same content.
type entryText struct {
	label, value string
}

func (d *APIDoc) fields(text func(string) string, lit func(string) string) []entryText {
	var fs []entryText
	add := func(label, v string) {
		if v != "" {
			fs = append(fs, entryText{label, v})
		}
	}
	if d.StepOf != "" {
		add("Step of", text(d.StepOf))
		add("Runs with", text(d.Hold))
	} else {
		add("Caller must hold", text(d.Hold))
	}
	add("Takes, in order", text(d.Takes))
	add("May sleep", text(d.Sleeps))
	add("Kernel checks", text(d.Asserts))
	var checks []string
	for _, c := range d.Checks {
		reaction := c.Kernel.String()
		if c.Config != "" {
			reaction += ", " + lit(c.Config)
		}
		for _, o := range c.Older {
			reaction += "; " + o.Era() + ": " + reactionIn(o.Reaction)
		}
		checks = append(checks, lit(c.ID)+" ("+reaction+"): "+text(c.Doc))
	}
	switch {
	case d.Query != "":
		add("If broken", "nothing is wrong at the call: a query, which requires and changes nothing. "+text(d.Query)+".")
	case len(checks) > 0:
		add("If broken", strings.Join(checks, "; ")+".")
	case d.Simulated == "handler":
		add("If broken", "the runtime calls a script's handler in this context and checks the calls it makes; the handler itself has no checks of its own.")
	case d.Simulated == "no":
		add("If broken", "see Kernel checks; mmscript does not simulate "+lit(d.Name)+" yet.")
	default:
		add("If broken", "only the general lock rules apply.")
	}
	add("Notes", text(d.Notes))
	var cites []string
	for _, c := range d.Cites {
		s := lit(c.File) + ", " + lit(c.Func)
		if c.Assert != "" {
			s += ": " + text(c.Assert)
		} else {
			s += ": no check"
		}
		cites = append(cites, s+" ("+text(c.Read)+")")
	}
	if len(cites) > 0 {
		add("Kernel source", strings.Join(cites, "; ")+".")
	} else {
		add("Kernel source", text(d.Source)+" (rule book; not yet re-read for the citation).")
	}
	ex := func(refs []ExampleRef) string {
		if len(refs) == 0 {
			return "no example yet"
		}
		var ss []string
		for _, r := range refs {
			s := lit(r.File)
			if r.Line > 0 {
				s += " line " + fmt.Sprint(r.Line)
			}
			ss = append(ss, s)
		}
		return strings.Join(ss, ", ")
	}
	if d.StepOf == "" {
		add("Correct example", ex(d.Correct))
		if d.Query != "" && len(d.Incorrect) == 0 {
			add("Incorrect example", "none: a query has no incorrect call (see If broken)")
		} else {
			add("Incorrect example", ex(d.Incorrect))
		}
	}
	return fs
}

// sequenceLabel heads an entry's C: a call sequence for an API, the
// path's own statements for a step.
func (d *APIDoc) sequenceLabel() string {
	if d.StepOf != "" {
		return "In the kernel path"
	}
	return "Call sequence"
}

func rstLit(s string) string { return "``" + s + "``" }

// rstMaxLine is where rstWrap breaks a field body: docutils refuses a
// line longer than 10,000 characters (its line_length_limit), which the
// example lists of the most used APIs (mmap) outgrow.
const rstMaxLine = 4000

// rstWrap breaks a field body longer than rstMaxLine at spaces into
// continuation lines indented under the field, as RST field lists allow.
func rstWrap(s string) string {
	var b strings.Builder
	for len(s) > rstMaxLine {
		i := strings.LastIndexByte(s[:rstMaxLine], ' ')
		if i <= 0 {
			break
		}
		b.WriteString(s[:i] + "\n  ")
		s = s[i+1:]
	}
	b.WriteString(s)
	return b.String()
}

func mdLit(s string) string { return "`" + strings.ReplaceAll(s, "|", "\\|") + "`" }

func underline(title string, c byte) string {
	return title + "\n" + strings.Repeat(string(c), len([]rune(title))) + "\n"
}

// LockingRST renders the section as reStructuredText in the conventions of
// Documentation/mm/process_addrs.rst: "----" over and under the section
// title, "----" under each group, "^^^^" under each API, “literal“ code,
// field lists, and literal blocks for call sequences.
func LockingRST(docs []APIDoc) string {
	var b strings.Builder
	b.WriteString(".. SPDX-License-Identifier: GPL-2.0\n\n")
	bar := strings.Repeat("-", len(docTitle))
	fmt.Fprintf(&b, "%s\n%s\n%s\n\n", bar, docTitle, bar)
	b.WriteString(docGenerated + "\n\n" + rstText(docIntro) + "\n\n")
	group := -1
	for i := range docs {
		d := &docs[i]
		if g := d.docGroup(); g != group {
			group = g
			b.WriteString(underline(groupTitle(g), '-') + "\n")
			if groupTitle(g) == stepsGroup {
				b.WriteString(rstText(stepsIntro) + "\n\n")
			}
		}
		b.WriteString(underline(rstLit(d.Name+"()"), '^') + "\n")
		for _, f := range d.fields(rstText, rstLit) {
			fmt.Fprintf(&b, ":%s: %s\n", f.label, rstWrap(f.value))
		}
		if d.Sequence != "" {
			b.WriteString(":" + d.sequenceLabel() + ":\n\n  ::\n\n")
			for _, l := range strings.Split(strings.TrimRight(d.Sequence, "\n"), "\n") {
				b.WriteString("    " + l + "\n")
			}
		} else {
			b.WriteString(":Call sequence: not written yet\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// LockingMarkdown renders the same content as Markdown.
func LockingMarkdown(docs []APIDoc) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n\n%s\n", docTitle, strings.ReplaceAll(docGenerated, "``", "`"), mdText(docIntro))
	group := -1
	for i := range docs {
		d := &docs[i]
		if g := d.docGroup(); g != group {
			group = g
			fmt.Fprintf(&b, "\n## %s\n", groupTitle(g))
			if groupTitle(g) == stepsGroup {
				fmt.Fprintf(&b, "\n%s\n", mdText(stepsIntro))
			}
		}
		fmt.Fprintf(&b, "\n### `%s()`\n\n", d.Name)
		for _, f := range d.fields(mdText, mdLit) {
			fmt.Fprintf(&b, "* **%s**: %s\n", f.label, f.value)
		}
		if d.Sequence != "" {
			b.WriteString("* **" + d.sequenceLabel() + "**:\n\n  ```c\n")
			for _, l := range strings.Split(strings.TrimRight(d.Sequence, "\n"), "\n") {
				b.WriteString("  " + l + "\n")
			}
			b.WriteString("  ```\n")
		} else {
			b.WriteString("* **Call sequence**: not written yet\n")
		}
	}
	return b.String()
}

// LockingJSON renders the same content as JSON: the groups, each with its
// entries.
func LockingJSON(docs []APIDoc) ([]byte, error) {
	type group struct {
		Title string   `json:"title"`
		APIs  []APIDoc `json:"apis"`
	}
	var out struct {
		Title  string  `json:"title"`
		Intro  string  `json:"intro"`
		Groups []group `json:"groups"`
	}
	out.Title, out.Intro = docTitle, docIntro
	gi := -1
	for _, d := range docs {
		if g := d.docGroup(); g != gi {
			gi = g
			out.Groups = append(out.Groups, group{Title: groupTitle(g)})
		}
		last := &out.Groups[len(out.Groups)-1]
		last.APIs = append(last.APIs, d)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(out)
	return buf.Bytes(), err
}
