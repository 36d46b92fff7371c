package interp

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/mmscript/mmscript/lang"
)

const symPrelude = `mm m
file dev
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, vm=mixedmap)
page p1
page p2
page p3
func fault(addr, p) {
  mmap_read_lock(m)
  vma x = vma_lookup(m, addr)
  if x { vm_insert_page(x, addr, p) }
  mmap_read_unlock(m)
}
`

// Detection finds the group of the benchmark's shape and refuses
// whatever breaks it.
func TestSymmetryDetection(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      string // the group, or a part of why there is none
	}{
		{"faults", `
thread f1 { fault(0x100000, p1) }
thread f2 { fault(0x100000, p2) }
thread f3 { fault(0x100000, p3) }
thread u { munmap(m, 0x100000, pages=2); assert p1.mapcount == 0 && p2.mapcount == 0 && p3.mapcount == 0, "gone" }
`, "f1,f2,f3 (6)"},
		{"two classes", `
thread f1 { fault(0x100000, p1) }
thread f2 { fault(0x101000, p2) }
thread f3 { fault(0x100000, p3) }
`, "f1,f3 (2)"},
		{"shared page, threads alike", `
thread f1 { fault(0x100000, p1) }
thread f2 { fault(0x100000, p1) }
thread u { assert p1.mapcount <= 1, "once" }
`, "f1,f2 (2)"},
		{"a constant differs", `
thread f1 { fault(0x100000, p1) }
thread f2 { fault(0x101000, p2) }
`, "no two threads"},
		{"a thread differs", `
thread f1 { fault(0x100000, p1) }
thread f2 { fault(0x100000, p2); mmap_read_lock(m); mmap_read_unlock(m) }
`, "no two threads"},
		{"an assert on one page only", `
thread f1 { fault(0x100000, p1) }
thread f2 { fault(0x100000, p2) }
thread u { munmap(m, 0x100000, pages=2); assert p1.mapcount == 0, "gone" }
`, "exchanging f1 and f2"},
		{"a global used asymmetrically", `
thread f1 { fault(0x100000, p1) }
thread f2 { fault(0x100000, p2) }
thread u { fault(0x101000, p1) }
`, "exchanging f1 and f2"},
		{"operands that call", `
thread f1 { fault(0x100000, p1) }
thread f2 { fault(0x100000, p2) }
thread u { if vma_lookup(m, 0x100000) && p1.mapcount == 0 || vma_lookup(m, 0x100000) && p2.mapcount == 0 { mmap_read_lock(m); mmap_read_unlock(m) } }
`, ""},
		{"a page's name as a local", `
func g() { p1 = 1 }
thread f1 { fault(0x100000, p1) }
thread f2 { fault(0x100000, p2) }
`, "used as a local"},
		{"a PFN read", `
thread f1 { fault(0x100000, p1); x = p1.pfn }
thread f2 { fault(0x100000, p2); x = p2.pfn }
`, "PFN"},
		{"a PTE read", `
thread f1 { fault(0x100000, p1); pte t = pte_offset_map_lock(m, 0x100000); y = ptep_get(t); pte_unmap_unlock(t) }
thread f2 { fault(0x100000, p2); pte t = pte_offset_map_lock(m, 0x100000); y = ptep_get(t); pte_unmap_unlock(t) }
`, "ptep_get"},
		{"an expectation at a symmetric line", `
thread f1 { fault(0x100000, p1) }
thread f2 { fault(0x100000, p2) }
expect error "x" at 14
`, "expectation names line"},
	} {
		p, err := LoadSource(c.name+".mms", []byte(symPrelude+c.src))
		if err != nil {
			if c.want == "" {
				continue // a case that only has to not be symmetric
			}
			t.Fatalf("%s: %v", c.name, err)
		}
		s, why := symmetryOf(p)
		got := why
		if s != nil {
			got = s.String()
		}
		if c.want == "" {
			// "operands that call": || of operands with calls is not
			// reordered, so the exchange changes the script.
			if s != nil {
				t.Errorf("%s: symmetry %s, want none", c.name, s)
			}
			continue
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

// The position renaming maps a position of one symmetric thread's body
// to the same place in another's, whatever their layouts, and lines only
// where they correspond one to one and hold no other code; a
// correspondence that is not one to one turns the renaming off.
func TestSymmetryPositionCorrespondence(t *testing.T) {
	direct := func(p string) string {
		return "mmap_read_lock(m); vma x = vma_lookup(m, 0x100000)\n  if x { vm_insert_page(x, 0x100000, " + p + ") }\n  mmap_read_unlock(m)"
	}
	for _, c := range []struct {
		name, src   string
		body, lines bool
	}{
		{"layouts differ", "thread f1 {\n  " + direct("p1") + "\n}\n\nthread f2 {\n\n      " + strings.ReplaceAll(direct("p2"), "\n", "\n\n    ") + "\n}\n", true, true},
		{"one-line threads", "thread f1 { fault(0x100000, p1) }\nthread f2 { fault(0x100000, p2) }\n", true, true},
		{"statements split differently", "thread f1 {\n  " + direct("p1") + "\n}\nthread f2 {\n  " + strings.ReplaceAll(direct("p2"), "; ", "\n  ") + "\n}\n", true, false},
		{"two bodies on a line", "thread f1 { fault(0x100000, p1) }; thread f2 { fault(0x100000, p2) }\n", true, false},
		{"other code on a body's line", "thread f1 { fault(0x100000, p1) }; thread u { fault(0x101000, p3) }\nthread f2 { fault(0x100000, p2) }\n", true, false},
	} {
		p, err := LoadSource(c.name+".mms", []byte(symPrelude+c.src))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		s, why := symmetryOf(p)
		if s == nil {
			t.Fatalf("%s: no symmetry: %s", c.name, why)
		}
		if (s.body != nil) != c.body || (s.lineOf != nil) != c.lines {
			t.Errorf("%s: positions renamed %v, lines renamed %v; want %v, %v", c.name, s.body != nil, s.lineOf != nil, c.body, c.lines)
			continue
		}
		// Each position of f2's body corresponds to the one of f1's at the
		// same place: the same syntax starts there.
		cl := s.classes[0]
		src := symPrelude + c.src
		for k, q := range s.body[cl[1]] {
			f := s.body[cl[0]][k]
			a, b := firstToken(src[f.Offset:]), firstToken(src[q.Offset:])
			if a != b && !(a == "p1" && b == "p2") {
				t.Errorf("%s: %s (%q) corresponds to %s (%q)", c.name, f, a, q, b)
			}
			if c.lines && s.lineOf[q.Line].first != f.Line {
				t.Errorf("%s: line %d corresponds to %d, want %d", c.name, q.Line, s.lineOf[q.Line].first, f.Line)
			}
		}
	}
	// A correspondence that maps two positions of one body to one of
	// another's is no permutation.
	at := func(off int) lang.Pos { return lang.Pos{Filename: "x.mms", Offset: off, Line: 1 + off/10, Column: 1} }
	for _, c := range []struct {
		name string
		b0   []lang.Pos
		b1   []lang.Pos
		ok   bool
	}{
		{"one to one", []lang.Pos{at(10), at(10), at(12)}, []lang.Pos{at(30), at(30), at(33)}, true},
		{"two to one", []lang.Pos{at(10), at(11)}, []lang.Pos{at(30), at(30)}, false},
		{"one to two", []lang.Pos{at(10), at(10)}, []lang.Pos{at(30), at(31)}, false},
		{"another file", []lang.Pos{at(10)}, []lang.Pos{{Filename: "y.mms", Offset: 30, Line: 4}}, false},
	} {
		s := &symmetry{classes: [][]int{{0, 1}}, body: [][]lang.Pos{c.b0, c.b1}}
		s.checkBodies(&lang.File{})
		if (s.body != nil) != c.ok {
			t.Errorf("%s: positions renamed %v, want %v", c.name, s.body != nil, c.ok)
		}
	}
}

// firstToken is the word or the punctuation character s starts with.
func firstToken(s string) string {
	n := 0
	for n < len(s) && isWordByte(s[n]) {
		n++
	}
	return s[:max(n, min(1, len(s)))]
}

// The fingerprint of a state s under a permutation π is the plain
// fingerprint of π(s), the state the permuted schedule reaches: the
// renaming hasher renames every identity the kernel keeps as a number,
// and the positions inside the symmetric threads' bodies (symmetric_direct
// has its threads' code in their bodies, at different lines, and
// symmetric_faults_assert a finding in each), findings so far included,
// and PMD words in script values, which it leaves alone (symmetric_pmd).
// A field that holds a task ID, a CPU, a PFN or a position in a form the
// renaming misses, or renames to the wrong image, breaks this (and would
// make the reduction merge states that are not symmetric). It also checks
// that the renaming was needed: most pairs differ without it.
func TestRenamingIsEquivariant(t *testing.T) {
	for _, f := range []string{"testdata/perf/mmlocks_n3.mms", "testdata/symmetric_faults.mms", "testdata/symmetric_faults_assert.mms",
		"testdata/symmetric_direct.mms", "testdata/symmetric_pmd.mms", "../runtime/testdata/bug_clear_refs_vm_flags_read_lock.mms"} {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		sym := detectSymmetry(p)
		if sym == nil {
			t.Fatalf("%s: no symmetry detected", f)
		}
		if sym.body == nil {
			t.Fatalf("%s: the positions of the threads' bodies are not renamed", f)
		}
		compared, differ, found := checkEquivariance(t, f, p, sym, rand.New(rand.NewPCG(5, 7)), 300)
		t.Logf("%s: %s: %d states compared (%d with findings), %d differ from their image", f, sym, compared, found, differ)
		if compared < 50 || differ < compared/4 {
			t.Errorf("%s: %d states compared, %d differ from their image: the test does not exercise the renaming", f, compared, differ)
		}
		if strings.Contains(f, "assert") && found < 10 {
			t.Errorf("%s: %d states with findings compared: the test does not exercise their renaming", f, found)
		}
	}
}

// checkEquivariance runs p n times on random schedules to a random depth,
// and compares the fingerprint of the state s reached under a random
// permutation π of sym with the fingerprint of π(s), reached by the
// schedule with each thread replaced by its image. It returns how many
// states it compared, how many differ from their image, and how many
// had findings.
func checkEquivariance(t *testing.T, f string, p *Program, sym *symmetry, r *rand.Rand, n int) (compared, differ, found int) {
	t.Helper()
	for range n {
		c := newStateCache(newVisitedSet(1 << 20))
		c.useSymmetry(sym)
		st := c.sym
		depth := r.IntN(40)
		var sched []int
		var m *Machine
		var fpPerm uint64
		var perm int32
		ok := false
		Run(p, Options{onStart: func(x *Machine) { m = x }, pick: func(turn int, runnable []int) int {
			if !st.ready {
				st.setup(m)
			}
			if turn == depth || len(runnable) == 0 {
				thr := make([]int, len(m.threads))
				for i := range thr {
					thr[i] = i
				}
				for _, cl := range sym.classes {
					sh := append([]int(nil), cl...)
					r.Shuffle(len(sh), func(i, j int) { sh[i], sh[j] = sh[j], sh[i] })
					for k, tt := range cl {
						thr[tt] = sh[k]
					}
				}
				perm = st.intern(thr)
				fpPerm, ok = hashUnder(c, m, perm)
				if ok && len(m.k.Diagnostics()) > 0 {
					found++
				}
				return -1
			}
			q := runnable[r.IntN(len(runnable))]
			sched = append(sched, q)
			return q
		}})
		if !ok {
			continue
		}
		thr := st.perms[perm].thr
		var fpImage, fpPlain uint64
		ok2, ok3 := false, false
		Run(p, Options{onStart: func(x *Machine) { m = x }, pick: func(turn int, runnable []int) int {
			if turn == len(sched) {
				fpImage, ok2 = hashUnder(c, m, 0)
				return -1
			}
			q := thr[sched[turn]]
			if !containsInt(runnable, q) {
				t.Fatalf("%s: turn %d: thread %d is not runnable in the permuted schedule", f, turn, q)
			}
			return q
		}})
		Run(p, Options{onStart: func(x *Machine) { m = x }, pick: func(turn int, runnable []int) int {
			if turn == len(sched) {
				fpPlain, ok3 = hashUnder(c, m, 0)
				return -1
			}
			return sched[turn]
		}})
		if !ok2 || !ok3 {
			t.Fatalf("%s: the permuted state is unhashable", f)
		}
		compared++
		if fpImage != fpPerm {
			t.Fatalf("%s: schedule %v under %v: fingerprint of π(s) %x, of s under π %x", f, sched, thr, fpImage, fpPerm)
		}
		if fpPlain != fpImage {
			differ++
		}
	}
	return compared, differ, found
}

// hashUnder fingerprints m's state under permutation ix as the cache
// does (stateCache.fingerprint): the state, then the findings so far by
// cause, renamed.
func hashUnder(c *stateCache, m *Machine, ix int32) (uint64, bool) {
	for _, t := range m.threads {
		for i := range t.fr {
			if f := &t.fr[i]; f.cont != nil && (f.desc != "" || f.call == nil || !f.call.WaitIsData()) {
				return 0, false
			}
		}
	}
	h := c.hasher
	h.Reset()
	c.sym.hashPerm(h, m, ix)
	var keys []uint64
	for _, d := range m.k.Diagnostics() {
		keys = append(keys, c.sym.findingFP(d, ix))
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		h.Word(k)
	}
	h.Word(^uint64(0))
	return h.Sum()
}

// The symmetry reduction reports a class of findings once: the search
// with it finds, up to the symmetry, what the search without it finds,
// with the same verdicts, in fewer stored states.
func TestSymmetryFindsTheSame(t *testing.T) {
	for _, f := range []string{"testdata/symmetric_faults.mms", "testdata/symmetric_faults_assert.mms", "testdata/symmetric_direct.mms",
		"testdata/symmetric_pmd.mms", "testdata/perf/mmlocks_n3.mms"} {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		sym := detectSymmetry(p)
		off := Explore(p, ExploreOptions{NoSymmetry: true, splitTasks: 1})
		on := Explore(p, ExploreOptions{splitTasks: 1})
		if on.Symmetry == "" || off.Symmetry != "" {
			t.Fatalf("%s: symmetry %q with it, %q without", f, on.Symmetry, off.Symmetry)
		}
		a, b := canonicalKeys(sym, off), canonicalKeys(sym, on)
		if strings.Join(a, "\n") != strings.Join(b, "\n") || !on.Complete {
			t.Errorf("%s: without symmetry\n\t%s\nwith\n\t%s", f, strings.Join(a, "\n\t"), strings.Join(b, "\n\t"))
		}
		if !sameVerdicts(Verdicts(p, off), Verdicts(p, on)) {
			t.Errorf("%s: verdicts differ", f)
		}
		if on.Cached >= off.Cached {
			t.Errorf("%s: %d states stored with symmetry, %d without", f, on.Cached, off.Cached)
		}
		// symmetric_direct's threads differ only by where their code is:
		// without renaming the positions in their bodies, the symmetry
		// merged nothing there (17,565 stored either way); the group has
		// 6 elements.
		if strings.Contains(f, "direct") && on.Cached*3 > off.Cached {
			t.Errorf("%s: %d states stored with symmetry, %d without: the threads' positions keep them apart", f, on.Cached, off.Cached)
		}
		t.Logf("%s: %s: stored %d -> %d, states %d -> %d", f, on.Symmetry, off.Cached, on.Cached, off.States, on.States)
	}
}

// canonicalKeys are the classes of a search's findings under sym.
func canonicalKeys(sym *symmetry, res *ExploreResult) []string {
	seen := map[string]bool{}
	var ks []string
	for _, f := range res.Findings {
		k := sym.canonicalFindingKey(f.Diag)
		if !seen[k] {
			seen[k] = true
			ks = append(ks, k)
		}
	}
	sortStrings(ks)
	return ks
}

// genSymmetric turns a generated script into one with a symmetry: its
// threads are replaced by three copies of its first, each inserting a page
// of its own first. The copies are laid out differently (copy k indented
// by k more columns, with k blank lines after each line, and copy 2 with
// a comment first), so that the correspondence of their positions is no
// shift of lines or columns: a renaming that maps a position by its line
// or column rather than by its place in the body gets them wrong.
func genSymmetric(src string) string {
	i := strings.Index(src, "thread t0 {\n")
	if i < 0 {
		return ""
	}
	rest := src[i+len("thread t0 {\n"):]
	j := strings.Index(rest, "\n}\n")
	if j < 0 {
		return ""
	}
	body := rest[:j+1]
	var b strings.Builder
	b.WriteString(src[:i])
	b.WriteString("page q0\npage q1\npage q2\n")
	for k := range 3 {
		fmt.Fprintf(&b, "thread s%d {\n", k)
		if k == 2 {
			b.WriteString("  # the third copy\n")
		}
		lines := append([]string{fmt.Sprintf("  vm_insert_page(v0, 0x100000, q%d)", k)}, strings.Split(strings.TrimSuffix(body, "\n"), "\n")...)
		for _, l := range lines {
			b.WriteString(strings.Repeat(" ", k) + l + "\n" + strings.Repeat("\n", k))
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// The symmetry reduction is sound on generated scripts with symmetric
// threads (genSymmetric): the reduced search with the state cache (and
// so the symmetry) finds the classes of findings the naive search finds.
// -gen.sound and -gen.from select the scripts as for
// TestReductionIsSoundOnGeneratedScripts, but at least 250: about one
// generated script in twelve keeps its symmetry (a body that faults reads
// vmf.orig_pte, a PFN in an int, and gets none).
func TestSymmetryIsSoundOnGeneratedScripts(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	compared, symmetric, equiv, withFindings := 0, 0, 0, 0
	var hits int64
	// The scripts come from one random stream, over the operations the
	// runtime defines: a new operation changes them all. Go on past the
	// 250 (up to 1000) until the counts checked below are reached, so
	// that adding an operation does not leave too few.
	for i := 0; i < max(*genSoundN, 250) || (compared < 10 || hits == 0 || equiv < 20) && i < 1000; i++ {
		src := genSymmetric(genScript(r))
		if i < *genSoundFrom || src == "" {
			continue
		}
		p, err := LoadSource(fmt.Sprintf("gensym%d.mms", i), []byte(src))
		if err != nil {
			continue
		}
		sym := detectSymmetry(p)
		if sym == nil {
			continue
		}
		symmetric++
		if sym.body == nil {
			t.Fatalf("script %d: the positions of the threads' bodies are not renamed\n%s", i, src)
		}
		c, _, f := checkEquivariance(t, fmt.Sprintf("gensym%d.mms", i), p, sym, rand.New(rand.NewPCG(uint64(i), 1)), 30)
		equiv += c
		withFindings += f
		naive := Explore(p, ExploreOptions{Naive: true, MaxStates: 20_000, MaxSteps: 100_000, Workers: 1})
		if !naive.Complete {
			continue
		}
		compared++
		red := Explore(p, ExploreOptions{MaxSteps: 100_000, Workers: 1, splitTasks: 1})
		hits += red.CacheHits
		a, b := canonicalKeys(sym, naive), canonicalKeys(sym, red)
		if !red.Complete || red.Symmetry == "" || strings.Join(a, "\n") != strings.Join(b, "\n") {
			t.Fatalf("script %d (%s): naive found\n\t%s\nreduced (complete=%v) found\n\t%s\n%s", i, red.Symmetry, strings.Join(a, "\n\t"), red.Complete, strings.Join(b, "\n\t"), src)
		}
		if !sameVerdicts(Verdicts(p, naive), Verdicts(p, red)) {
			t.Fatalf("script %d: verdicts differ\n%s", i, src)
		}
	}
	t.Logf("%d generated scripts with a symmetry, %d small enough to compare, %d cache hits; %d states checked equivariant (%d with findings)",
		symmetric, compared, hits, equiv, withFindings)
	if compared < 10 || hits == 0 || equiv < 20 {
		t.Errorf("only %d symmetric scripts compared, %d cache hits, %d states checked equivariant", compared, hits, equiv)
	}
}
