package interp

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
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

// The fingerprint of a state s under a permutation π is the plain
// fingerprint of π(s), the state the permuted schedule reaches: the
// renaming hasher renames every identity the kernel keeps as a number.
// A field that holds a task ID, a CPU or a PFN in a form the renaming
// misses breaks this (and would make the reduction merge states that are
// not symmetric). It also checks that the renaming was needed: most pairs
// differ without it.
func TestRenamingIsEquivariant(t *testing.T) {
	for _, f := range []string{"testdata/perf/mmlocks_n3.mms", "testdata/symmetric_faults.mms", "testdata/symmetric_faults_assert.mms", "../runtime/testdata/bug_clear_refs_vm_flags_read_lock.mms"} {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		sym := detectSymmetry(p)
		if sym == nil {
			t.Fatalf("%s: no symmetry detected", f)
		}
		r := rand.New(rand.NewPCG(5, 7))
		compared, differ := 0, 0
		for range 300 {
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
		t.Logf("%s: %s: %d states compared, %d differ from their image", f, sym, compared, differ)
		if compared < 50 || differ < compared/4 {
			t.Errorf("%s: %d states compared, %d differ from their image: the test does not exercise the renaming", f, compared, differ)
		}
	}
}

// hashUnder fingerprints m's state (without its findings) under
// permutation ix.
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
	return h.Sum()
}

// The symmetry reduction reports a class of findings once: the search
// with it finds, up to the symmetry, what the search without it finds,
// with the same verdicts, in fewer stored states.
func TestSymmetryFindsTheSame(t *testing.T) {
	for _, f := range []string{"testdata/symmetric_faults.mms", "testdata/symmetric_faults_assert.mms", "testdata/perf/mmlocks_n3.mms"} {
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
// of its own first.
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
		fmt.Fprintf(&b, "thread s%d {\n  vm_insert_page(v0, 0x100000, q%d)\n%s}\n", k, k, body)
	}
	return b.String()
}

// The symmetry reduction is sound on generated scripts with symmetric
// threads (genSymmetric): the reduced search with the state cache (and
// so the symmetry) finds the classes of findings the naive search finds.
// -gen.sound and -gen.from select the scripts as for
// TestReductionIsSoundOnGeneratedScripts.
func TestSymmetryIsSoundOnGeneratedScripts(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	compared, symmetric := 0, 0
	var hits int64
	for i := range *genSoundN {
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
	t.Logf("%d generated scripts with a symmetry, %d small enough to compare, %d cache hits", symmetric, compared, hits)
	if compared < 10 || hits == 0 {
		t.Errorf("only %d symmetric scripts compared, %d cache hits", compared, hits)
	}
}
