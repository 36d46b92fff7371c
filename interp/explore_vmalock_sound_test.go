package interp

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

var genVMAN = flag.Int("gen.vma", 60, "TestVMALocksAreSoundOnGeneratedScripts: how many scripts to compare")

// genVMALockScript writes a script around the per-VMA lock and the VMA
// tree, for the footprints of lookups, VMA locks and tree changes: a
// shared VM_MIXEDMAP VMA of two or three pages at 0x100000 (sometimes a
// second at 0x400000, whose changes are disjoint from the first's), and
// two or three threads that fault as mm/memory.c does (lock_vma_under_rcu,
// else the mmap read lock and vma_lookup), hold a VMA read lock across
// statements (so that a writer queues behind it and a third thread's
// lock_vma_under_rcu fails against the queued writer), read the VMA's
// fields with no lock (a use after free once munmap detached it), count their failed
// lock_vma_under_rcu()s and lookups in a global, zap under the mmap read
// lock, write-lock a VMA without detaching it (mmap_write_lock,
// vma_start_write), munmap the whole VMA, one page of it or the other
// VMA, run munmap's gather alone (detached, or split, and left in the
// tree: vms_gather_munmap_vmas) and map a page into a hole or over a page
// of the VMA (MAP_FIXED).
// A footprint that makes a lookup, a failed VMA read lock or a hand-over
// to a writer independent of what decides its outcome makes the reduced
// search miss a final state (the global, the pages' mappings) or a
// finding the naive search has.
func genVMALockScript(r *rand.Rand) string {
	pages := 2 + r.IntN(2)
	var b strings.Builder
	b.WriteString("mm m\nfile f\nn = 0\n")
	fmt.Fprintf(&b, "vma v = mmap(m, 0x100000, pages=%d, prot=rw, flags=shared, file=f, vm=mixedmap)\n", pages)
	second := r.IntN(2) == 0
	if second {
		b.WriteString("vma w = mmap(m, 0x400000, pages=1, prot=rw, flags=shared, file=f, vm=mixedmap)\n")
	}
	for i := range 3 {
		fmt.Fprintf(&b, "page p%d = alloc_page()\n", i)
	}
	addr := func() string {
		if second && r.IntN(4) == 0 {
			return "0x400000"
		}
		return fmt.Sprintf("%#x", 0x100000+r.IntN(pages)*0x1000)
	}
	locals, changes := 0, 0
	var stmtOf func(k int) []string
	stmt := func() []string {
		k := r.IntN(13)
		if (k >= 7 && k <= 9 || k == 11) && changes >= 2 {
			k = r.IntN(7) // at most two tree changes: munmap and mmap are long paths
		}
		return stmtOf(k)
	}
	stmtOf = func(k int) []string {
		a := addr()
		p := fmt.Sprintf("p%d", r.IntN(3))
		locals++
		x := fmt.Sprintf("x%d", locals)
		switch k {
		case 0, 1:
			// a fault's two tries (do_user_addr_fault): under the VMA
			// lock, else under the mmap lock
			return []string{fmt.Sprintf("vma %s = lock_vma_under_rcu(m, %s)", x, a),
				fmt.Sprintf("if %[1]s { vm_insert_page(%[1]s, %[2]s, %[3]s); vma_end_read(%[1]s) } else { n += 1; mmap_read_lock(m); vma %[1]s_l = vma_lookup(m, %[2]s); if %[1]s_l { vm_insert_page(%[1]s_l, %[2]s, %[3]s) }; mmap_read_unlock(m) }", x, a, p)}
		case 2:
			// a VMA read lock held across statements
			return []string{fmt.Sprintf("vma %s = lock_vma_under_rcu(m, %s)", x, a),
				fmt.Sprintf("if %s { n += 10 } else { n += 100 }", x), fmt.Sprintf("if %[1]s { vma_end_read(%[1]s) }", x)}
		case 3:
			return []string{fmt.Sprintf("vma %[1]s = lock_vma_under_rcu(m, %[2]s); if %[1]s { vma_end_read(%[1]s) } else { n += 1000 }", x, a)}
		case 4:
			return []string{"mmap_read_lock(m)", fmt.Sprintf("vma %s = vma_lookup(m, %s)", x, a),
				fmt.Sprintf("if %[1]s { zap_vma_range(%[1]s, %[1]s.vm_start, pages=1) } else { n += 10000 }", x), "mmap_read_unlock(m)"}
		case 5, 12:
			// which VMA covers a, under the mmap lock or with none
			// (12: vma_lookup has no assertion, so only the tree orders
			// it against a change): v itself, or a piece a split made
			look := fmt.Sprintf("if vma_lookup(m, %[1]s) == v { n += 100000 } else { if vma_lookup(m, %[1]s) { n += 200000 } }", a)
			if k == 12 {
				return []string{look}
			}
			return []string{"mmap_read_lock(m)", look, "mmap_read_unlock(m)"}
		case 11:
			// munmap's gather alone (the step whose footprint the
			// detach and the splits are), left detached in the tree:
			// what the rest of munmap would hide
			end := fmt.Sprintf("%#x", 0x100000+pages*0x1000)
			if r.IntN(4) != 0 {
				end = a + " + PAGE_SIZE" // one page: a split, unless a is all of a VMA
			}
			return []string{"mmap_write_lock(m)", fmt.Sprintf("%s = vms_gather_munmap_vmas(m, %s, %s)", x, a, end), "mmap_write_unlock(m)"}
		case 10:
			// a use of the VMA with no lock: after munmap's detach, a
			// use after free (checkVMAUse)
			return []string{fmt.Sprintf("n += v.vm_end - %s", a)}
		case 6:
			// a writer that waits for the readers and does not detach
			return []string{"mmap_write_lock(m)", fmt.Sprintf("vma %[1]s = vma_lookup(m, %[2]s); if %[1]s { vma_start_write(%[1]s) }", x, a), "mmap_write_unlock(m)"}
		case 7:
			changes++
			return []string{fmt.Sprintf("munmap(m, 0x100000, pages=%d)", pages)}
		case 8:
			changes++
			return []string{fmt.Sprintf("munmap(m, %s, pages=1)", a)}
		}
		changes++
		return []string{fmt.Sprintf("vma %s = mmap(m, %s, pages=1, prot=rw, flags=shared, file=f, vm=mixedmap)", x, g2(r, "0x200000", a))}
	}
	// Half of the scripts hand a VMA over: t0 holds a VMA read lock
	// across statements, t1 write-locks the VMA (queued behind t0 until
	// its vma_end_read, which hands it over) and t2 tries the VMA lock,
	// failing against the queued writer or the writer, or getting it.
	// A quarter race a tree change against a lookup: t0 runs munmap's
	// gather alone or munmap, of part of the VMA (a split) or all of it,
	// t1 looks up (with no lock, mostly), tries the VMA lock or reads the
	// VMA's fields.
	var roles [][]int
	switch r.IntN(4) {
	case 0, 1:
		roles = [][]int{{2}, {6, 6, 6, 7, 11}, {3, 3, 3, 0, 10}}
	case 2:
		roles = [][]int{{11, 11, 8, 7}, {12, 12, 5, 3, 10}}
	}
	if roles != nil {
		for i, ks := range roles {
			fmt.Fprintf(&b, "thread t%d {\n", i)
			for _, s := range stmtOf(ks[r.IntN(len(ks))]) {
				b.WriteString("  " + s + "\n")
			}
			b.WriteString("}\n")
		}
		return b.String()
	}
	nthreads := 2
	if r.IntN(4) == 0 {
		nthreads = 3
	}
	for i := range nthreads {
		fmt.Fprintf(&b, "thread t%d {\n", i)
		n := 1 + r.IntN(2)
		if nthreads == 3 {
			n = 1
		}
		for range n {
			for _, s := range stmt() {
				b.WriteString("  " + s + "\n")
			}
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// g2 picks one of two.
func g2(r *rand.Rand, a, b string) string {
	if r.IntN(2) == 0 {
		return a
	}
	return b
}

// The VMA-tree and VMA-lock footprints are sound on scripts that race
// lookups, VMA read locks (taken, held, failing), writers (queued behind
// readers, handed the lock), munmap and mmap on the same and on disjoint
// ranges (genVMALockScript): the reduced searches end in the naive
// search's final states (checkEnds), and with the cache they find what it
// finds.
func TestVMALocksAreSoundOnGeneratedScripts(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 7))
	compared := 0
	for i := range *genVMAN {
		src := genVMALockScript(r)
		p, err := LoadSource(fmt.Sprintf("vmalock%d.mms", i), []byte(src))
		if err != nil {
			t.Fatalf("script %d does not compile: %v\n%s", i, err, src)
		}
		if !checkEnds(t, fmt.Sprintf("script %d", i), p, src) {
			continue
		}
		compared++
		naive := Explore(p, ExploreOptions{Naive: true, NoMovers: true, MaxStates: 20_000, MaxSteps: 100_000, Workers: 1})
		sym := detectSymmetry(p)
		a := canonicalKeys(sym, naive)
		// from the root, and with the default split the users run
		for _, split := range []int{1, 0} {
			red := Explore(p, ExploreOptions{MaxSteps: 100_000, Workers: 1, splitTasks: split})
			b := canonicalKeys(sym, red)
			if !red.Complete || strings.Join(a, "\n") != strings.Join(b, "\n") {
				t.Fatalf("script %d: naive found\n\t%s\nreduced (split %d, complete=%v) found\n\t%s\n%s", i, strings.Join(a, "\n\t"), split, red.Complete, strings.Join(b, "\n\t"), src)
			}
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	t.Logf("%d of %d scripts compared (the rest too large for the naive search)", compared, *genVMAN)
	if compared < *genVMAN/2 {
		t.Errorf("only %d of %d scripts small enough to compare", compared, *genVMAN)
	}
}
