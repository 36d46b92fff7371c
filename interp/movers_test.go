package interp

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	rt "github.com/mmscript/mmscript/runtime"
)

// Which classes' read releases are left movers: only where nothing the
// threads can reach uses the class beyond its read side.
func TestMoverClasses(t *testing.T) {
	const head = "mm m\nfile f\npage p = alloc_page()\n"
	reader := "thread a { mmap_read_lock(m); get_page(p); mmap_read_unlock(m) }\n"
	for _, c := range []struct {
		name, src   string
		mmap, immap bool
	}{
		{"readers only", reader + "thread b { if mmap_read_trylock(m) { mmap_read_unlock(m) } }", true, true},
		{"a writer", reader + "thread b { mmap_write_lock(m); mmap_write_unlock(m) }", false, true},
		{"a write trylock", reader + "thread b { if mmap_write_trylock(m) { mmap_write_unlock(m) } }", false, true},
		{"a script reads held", reader + "thread b { assert !m.mmap_lock.held }", false, false},
		// find_vma declares no Locks (its lock assertion observes the
		// holders): every class may be used any way.
		{"an undeclared operation", reader + "thread b { x = find_vma(m, 0) }", false, false},
		{"through a func", reader + "func w() { i_mmap_lock_write(f); i_mmap_unlock_write(f) }\nthread b { w() }", true, false},
		{"in a handler", "mm m\nfile f\npage p = alloc_page()\nops o { open(vma) { i_mmap_lock_write(f); i_mmap_unlock_write(f) } }\n" + reader, true, false},
		// Set-up runs alone, before any thread.
		{"set-up writes", "mm m\nfile f\npage p = alloc_page()\nmmap_write_lock(m)\nmmap_write_unlock(m)\n" + reader, true, true},
	} {
		src := c.src
		if !strings.HasPrefix(src, "mm m") {
			src = head + src
		}
		p := load(t, src)
		got := p.moverClasses()
		if got.Has(rt.ClassMmapLock) != c.mmap || got.Has(rt.ClassIMmapRwsem) != c.immap {
			t.Errorf("%s: mmap_lock mover %v, i_mmap_rwsem mover %v; want %v, %v", c.name, got.Has(rt.ClassMmapLock), got.Has(rt.ClassIMmapRwsem), c.mmap, c.immap)
		}
	}
}

// A read release joins the turn of the step before it in run, explore
// and replay alike, and only where its class is a mover class and the
// thread holds the lock.
func TestReleaseJoinsTurn(t *testing.T) {
	src := `mm m
page p = alloc_page()
thread a { mmap_read_lock(m); get_page(p); mmap_read_unlock(m); put_page(p) }
thread b { mmap_read_lock(m); get_page(p); mmap_read_unlock(m); mmap_read_unlock(m) }
`
	p := load(t, src)
	merged, steps := Run(p, Options{}), Run(p, Options{NoMovers: true})
	if merged.Turns() != steps.Turns()-2 {
		t.Errorf("%d turns with movers, %d without: want the two releases held merged", merged.Turns(), steps.Turns())
	}
	// b's second unlock is of a lock it no longer holds: a step of its
	// own, with its finding.
	found := func(r *Result) bool {
		for _, d := range r.Diagnostics {
			if strings.Contains(d.Msg, "not held") {
				return true
			}
		}
		return false
	}
	if !found(merged) || !found(steps) {
		t.Errorf("the unlock of a lock not held was not reported: %v / %v", merged.Diagnostics, steps.Diagnostics)
	}
	res := Explore(p, ExploreOptions{Workers: 1})
	for _, f := range res.Findings {
		r := Run(p, Options{Schedule: f.Schedule})
		if !containsKey(r, f.Key) {
			t.Errorf("schedule %s does not replay %s", FormatSchedule(f.Schedule), f.Key)
		}
	}
}

func containsKey(r *Result, key string) bool {
	for _, d := range r.Diagnostics {
		if FindingKey(d) == key {
			return true
		}
	}
	return false
}

// moverScript writes a script of read-side critical sections of the mmap
// lock and the file rwsems around steps of their own, with now and then
// what makes a release no left mover: a writer, a trylock for write, a
// script that looks at the holders, a release with nothing before it.
func moverScript(r *rand.Rand) string {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	body := func() string {
		return pick("", "", "", "get_page(p)", "put_page(p)", "n += 1", "x = page_to_pfn(p)", "assert n < 2, \"n\"", "msleep(1)", "print(n)")
	}
	section := func() string {
		switch r.IntN(14) {
		case 0:
			return fmt.Sprintf("mmap_write_lock(m); %s; mmap_write_unlock(m)", body())
		case 1:
			return fmt.Sprintf("if mmap_write_trylock(m) { %s; mmap_write_unlock(m) }", body())
		case 2:
			return pick("assert !m.mmap_lock.held, \"seen held\"", "if !mmap_write_trylock(m) { assert n == 0, \"contended\" } else { mmap_write_unlock(m) }")
		case 3:
			return fmt.Sprintf("i_mmap_lock_write(f); %s; i_mmap_unlock_write(f)", body())
		case 4:
			return fmt.Sprintf("if mmap_read_trylock(m) { %s; mmap_read_unlock(m) }", body())
		case 5:
			return fmt.Sprintf("mmap_read_lock(m); i_mmap_lock_read(f); %s; i_mmap_unlock_read(f); mmap_read_unlock(m)", body())
		case 6:
			return fmt.Sprintf("i_mmap_lock_read(f); mmap_read_lock(m); %s; mmap_read_unlock(m); i_mmap_unlock_read(f)", body())
		case 7:
			return pick("mmap_read_unlock(m)", "inode_unlock_shared(f)")
		case 8:
			return fmt.Sprintf("inode_lock_shared(f); %s; inode_unlock_shared(f)", body())
		case 9:
			return body()
		case 10:
			return fmt.Sprintf("i_mmap_lock_read(f); %s; i_mmap_unlock_read(f)", body())
		}
		return fmt.Sprintf("mmap_read_lock(m); %s; mmap_read_unlock(m)", body())
	}
	var b strings.Builder
	b.WriteString("mm m\nfile f\npage p = alloc_page()\nn = 0\n")
	for i := range 2 + r.IntN(2) {
		fmt.Fprintf(&b, "thread t%d {\n", i)
		for range 1 + r.IntN(2) {
			b.WriteString("  " + section() + "\n")
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// compareMovers explores p naively step by step and with the reduction
// and merged releases (allReleases: every release merged, sound or not)
// and returns the difference, "" when they agree.
func compareMovers(p *Program, allReleases bool) (diff string, merged bool) {
	naive := Explore(p, ExploreOptions{Naive: true, NoMovers: true, MaxStates: 20_000, MaxSteps: 10_000, Workers: 1})
	if !naive.Complete {
		return "", false
	}
	red := Explore(p, ExploreOptions{MaxSteps: 10_000, Workers: 1, allReleases: allReleases})
	a, b := findingKeys(naive), findingKeys(red)
	if !red.Complete || strings.Join(a, "\n") != strings.Join(b, "\n") {
		return fmt.Sprintf("naive found\n\t%s\nreduced (complete=%v) found\n\t%s", strings.Join(a, "\n\t"), red.Complete, strings.Join(b, "\n\t")), true
	}
	return "", true
}

// Merged releases lose no finding on scripts built around them, and the
// comparison notices an unsound classification: taking every release as
// a left mover loses findings on some of the same scripts.
func TestMoversAreSoundOnGeneratedScripts(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 1))
	compared, active, unsound := 0, 0, 0
	n := *genSoundN
	for i := range n {
		src := moverScript(r)
		p, err := LoadSource(fmt.Sprintf("mover%d.mms", i), []byte(src))
		if err != nil {
			t.Fatalf("script %d does not compile: %v\n%s", i, err, src)
		}
		diff, ok := compareMovers(p, false)
		if !ok {
			continue
		}
		compared++
		if p.moverClasses()&rt.ClassesOf(rt.ClassMmapLock, rt.ClassIMmapRwsem, rt.ClassIRwsem) != 0 {
			active++
		}
		if diff != "" {
			t.Fatalf("script %d: %s\n%s", i, diff, src)
		}
		if d, _ := compareMovers(p, true); d != "" {
			unsound++
		}
	}
	t.Logf("%d of %d scripts compared, %d with mover classes; every release merged loses findings on %d", compared, n, active, unsound)
	if compared < n/2 || active < compared/4 {
		t.Errorf("%d scripts compared, %d with mover classes: the test covers too little", compared, active)
	}
	if unsound == 0 {
		t.Errorf("merging every release lost no finding: the comparison would not notice an unsound classification")
	}
}
