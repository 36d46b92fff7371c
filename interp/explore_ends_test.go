package interp

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
)

// endsOf lists final-state fingerprints (finalStates), sorted, for the
// messages.
func endsOf(m map[uint64]bool) []string {
	var s []string
	for h := range m {
		s = append(s, fmt.Sprintf("%016x", h))
	}
	sort.Strings(s)
	return s
}

// missingFrom lists the ends of a that b lacks.
func missingFrom(a, b map[uint64]bool) []string {
	d := map[uint64]bool{}
	for h := range a {
		if !b[h] {
			d[h] = true
		}
	}
	return endsOf(d)
}

// checkEnds compares the final states of p's searches (see
// TestFinalStatesOfGeneratedScripts; src is p's text, printed on a
// mismatch); it reports false when the naive search does not finish
// within its budget.
func checkEnds(t *testing.T, name string, p *Program, src string) bool {
	t.Helper()
	base := ExploreOptions{NoMovers: true, MaxSteps: 100_000, MaxStates: 20_000}
	no := base
	no.Naive = true
	naive, nr := finalStates(t, p, no)
	if !nr.Complete {
		return false
	}
	// Both reduced searches from the root: the default split expands
	// the first levels in every order, which on these small trees hides
	// a footprint too small there (see endsMatchNaive).
	uo := base
	uo.NoCache, uo.MaxStates, uo.splitTasks = true, 200_000, 1
	unc, ur := finalStates(t, p, uo)
	co := base
	co.MaxStates, co.splitTasks = 200_000, 1
	cac, cr := finalStates(t, p, co)
	if !ur.Complete || !cr.Complete {
		t.Errorf("%s: a reduced search is incomplete (no cache %v, cache %v)", name, ur.Complete, cr.Complete)
		return true
	}
	bad := false
	if m := missingFrom(naive, unc); len(m) > 0 {
		t.Errorf("%s: the uncached reduced search misses %d of %d naive ends: %v", name, len(m), len(naive), m)
		bad = true
	}
	if m := missingFrom(unc, naive); len(m) > 0 {
		t.Errorf("%s: the uncached reduced search ends where the naive one never does: %v", name, m)
		bad = true
	}
	if m := missingFrom(cac, naive); len(m) > 0 {
		t.Errorf("%s: the cached reduced search ends where the naive one never does: %v", name, m)
		bad = true
	}
	if m := missingFrom(cac, unc); len(m) > 0 {
		t.Errorf("%s: the cached reduced search ends where the uncached one never does: %v", name, m)
		bad = true
	}
	t.Logf("%s: naive %d ends %d states, uncached %d ends %d states, cached %d ends %d states", name, len(naive), nr.States, len(unc), ur.States, len(cac), cr.States)
	if bad {
		t.Logf("%s:\n%s", name, src)
	}
	return true
}

// The reduced searches end only in states the naive search ends in, and
// the reduced search without the cache in every one of them: two steps
// DPOR takes as independent commute, so each order it skips ends where the
// order it runs does. With the cache, a run cut by a hit does not end, so
// the cached ends are a subset of the naive ones; an end of the cached
// search the uncached one lacks is an order the uncached DPOR skipped and
// the cache did not (a trace missed), or two "independent" steps whose
// orders end in different states, or a fingerprint of order-dependent
// bookkeeping (TestFinalStatesOfSectionOrders). The default checks the
// first scripts of the -gen.sound stream; a longer check (210 of the first
// 300 compared, 78 s):
//
//	go test ./interp -run FinalStatesOfGenerated -gen.sound 300 -timeout 30m -v
func TestFinalStatesOfGeneratedScripts(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	n := min(*genSoundN, 8)
	if genSoundSet() {
		n = *genSoundN
	}
	compared := 0
	for i := range n {
		src := genScript(r)
		if i < *genSoundFrom {
			continue
		}
		p, err := LoadSource(fmt.Sprintf("gen%d.mms", i), []byte(src))
		if err != nil {
			continue
		}
		if checkEnds(t, fmt.Sprintf("script %d", i), p, src) {
			compared++
		}
	}
	t.Logf("%d of %d generated scripts compared", compared, n)
	if compared == 0 {
		t.Errorf("no generated script small enough to compare")
	}
}

// TestFinalStatesOfSectionOrders: RCU read-side sections and IRQs-off
// regions are numbered from a kernel-wide counter, so the order in which
// two threads enter theirs is in the numbers, though the two entries
// commute. Hashed as numbers, the final states of the two orders differed
// and the reduced search, which runs one order, missed the other's
// (scripts 152, 153, 163 and 196 of -gen.sound 300 did). The state hasher
// keeps what steps read of a number: zero or not, and which task's open
// section a PTE handle was mapped in.
func TestFinalStatesOfSectionOrders(t *testing.T) {
	for name, src := range map[string]string{
		"rcu": "thread t0 {\n  rcu_read_lock()\n}\nthread t1 {\n  rcu_read_lock()\n  rcu_read_unlock()\n}\n",
		"irq": "thread t0 {\n  local_irq_disable()\n}\nthread t1 {\n  local_irq_disable()\n  local_irq_enable()\n}\n",
		"rcu-vma": "mm m\nvma v = mmap(m, 0x200000, pages=1, prot=rw)\n" +
			"thread t0 {\n  rcu_read_lock()\n  vma x = vma_find(m, 0, ULONG_MAX)\n}\nthread t1 {\n  rcu_read_lock()\n  rcu_read_unlock()\n}\n",
		"rcu-pte": "mm m\nvma v = mmap(m, 0x200000, pages=1, prot=rw)\ntouch(m, 0x200000, write)\npte e = nil\n" +
			"thread t0 {\n  rcu_read_lock()\n  e = pte_offset_map(m, 0x200000)\n}\nthread t1 {\n  rcu_read_lock()\n  rcu_read_unlock()\n}\n",
	} {
		p, err := LoadSource(name+".mms", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !checkEnds(t, name, p, src) {
			t.Errorf("%s: the naive search did not finish", name)
		}
	}
}

// genSoundSet tells whether -gen.sound was given.
func genSoundSet() bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "gen.sound" })
	return set
}
