package interp

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

var genTLBPendingN = flag.Int("gen.tlbpending", 40, "TestFlushPendingChecksAreSoundOnGeneratedScripts: how many scripts to compare")

// The inc_tlb_flush_pending/dec_tlb_flush_pending checks read which
// thread's change each stale translation is (runtime: MM.changes,
// NoteChanges); a step of another thread that ends or rewrites such a
// record (a flush, a change of the entry, a fault refilling the TLB) must
// be ordered against the check, or the reduced search takes a check that
// finds the change and one that finds it gone for one class. On scripts
// where a thread clears entries another CPU caches and raises, drops and
// flushes around the change in a random order (genTLBPendingScript), while
// other threads flush, change entries of their own and refill the TLB,
// the reduced search ends in every final state and finding the naive
// search ends in (endsMatchNaive).
func TestFlushPendingChecksAreSoundOnGeneratedScripts(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 9))
	compared := 0
	for i := range *genTLBPendingN {
		src := genTLBPendingScript(r)
		p, err := LoadSource(fmt.Sprintf("tlbpending%d.mms", i), []byte(src))
		if err != nil {
			t.Fatalf("script %d does not compile: %v\n%s", i, err, src)
		}
		if endsMatchNaive(t, i, p, src) {
			compared++
		}
	}
	t.Logf("%d of %d scripts compared (the rest too large for the naive search)", compared, *genTLBPendingN)
	if compared < *genTLBPendingN/2 {
		t.Errorf("only %d of %d scripts small enough to compare", compared, *genTLBPendingN)
	}
}

// TestFlushPendingChecksAreSound: a thread clears an entry another CPU
// caches, drops the PTL and then, as its last step, raises the count
// (inc_tlb_flush_pending/after-pte-change) or drops the one it raised
// before the change (dec_tlb_flush_pending/before-flush), while another
// thread flushes the range. The check reports the change only when it runs
// between the change and the flush: the flush before the change leaves no
// stale translation (the change reads the TLB), the flush after the change
// ends the changer's record (the check reads it). Each step of the changer
// after the flush conflicts with it only through those two, so the reduced
// search, with and without the state cache, must still find the finding
// and end where the naive search ends.
func TestFlushPendingChecksAreSound(t *testing.T) {
	for _, tc := range []struct{ name, before, after string }{
		{"inc after the change", "", "inc_tlb_flush_pending(m)"},
		{"dec before the flush", "inc_tlb_flush_pending(m)", "dec_tlb_flush_pending(m)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "mm m\nvma v = mmap(m, 0x100000, pages=1, prot=rw, flags=private)\nassert touch(m, 0x100000, write)\n\n" +
				"thread f {\n  flush_tlb_range(v, 0x100000, pages=1)\n}\n\n" +
				"thread a {\n  " + tc.before + "\n  pte pt = pte_offset_map_lock(m, 0x100000)\n  page old = ptep_get_and_clear(pt)\n" +
				"  pte_unmap_unlock(pt)\n  " + tc.after + "\n}\n"
			p, err := LoadSource("tlbpending.mms", []byte(src))
			if err != nil {
				t.Fatalf("%v\n%s", err, src)
			}
			if !endsMatchNaive(t, 0, p, src) {
				t.Fatalf("the naive search did not complete\n%s", src)
			}
		})
	}
}

// genTLBPendingScript writes a script of one private VMA of one or two
// pages, each written by the set-up code (its CPU caches a writable
// translation), and two or three threads. The first clears an entry under
// its PTE lock and places inc_tlb_flush_pending(), its own
// flush_tlb_range() and dec_tlb_flush_pending() around the change in a
// random order (the kernel's, or the increment late, the decrement early,
// the flush missing). The others flush the range, change an entry of
// their own the same way, read an entry under its PTE lock before they
// flush, or write a page again (a fault that maps it anew and a fill of
// their CPU's TLB), in a random order of the threads.
func genTLBPendingScript(r *rand.Rand) string {
	pages := 1 + r.IntN(2)
	var b strings.Builder
	fmt.Fprintf(&b, "mm m\nvma v = mmap(m, 0x100000, pages=%d, prot=rw, flags=private)\nn = 0\n", pages)
	for i := range pages {
		fmt.Fprintf(&b, "assert touch(m, %#x, write)\n", 0x100000+i*0x1000)
	}
	addr := func() string { return fmt.Sprintf("%#x", 0x100000+r.IntN(pages)*0x1000) }
	locals := 0
	changer := func(kernelOrder bool) []string {
		a := addr()
		locals++
		pt, old := fmt.Sprintf("pt%d", locals), fmt.Sprintf("old%d", locals)
		clear := []string{fmt.Sprintf("pte %s = pte_offset_map_lock(m, %s)", pt, a),
			fmt.Sprintf("page %s = nil", old),
			fmt.Sprintf("if %s { %s = ptep_get_and_clear(%s) }", pt, old, pt),
			fmt.Sprintf("if %s { pte_unmap_unlock(%s) }", pt, pt)}
		inc, dec := "inc_tlb_flush_pending(m)", "dec_tlb_flush_pending(m)"
		flush := fmt.Sprintf("flush_tlb_range(v, %s, pages=1)", a)
		var ss []string
		switch k := r.IntN(5); {
		case kernelOrder || k == 0: // atomic_inc; change; flush; atomic_dec
			ss = append(append([]string{inc}, clear...), flush, dec)
		case k == 1: // the increment after the change
			ss = append(clear, inc, flush, dec)
		case k == 2: // the decrement before the flush
			ss = append(append([]string{inc}, clear...), dec, flush)
		case k == 3: // no flush of its own
			ss = append(append([]string{inc}, clear...), dec)
		default: // no window at all
			ss = append(clear, flush)
		}
		if r.IntN(3) == 0 {
			// the check is the thread's last step: no later step of it
			// races with the other thread's flush, so the search reaches
			// the order of the check and the flush only through their
			// own conflict (no lock either: a finding of its own)
			return ss
		}
		ss = append(ss, fmt.Sprintf("if %s { put_page(%s) }", old, old))
		return append(append([]string{"mmap_read_lock(m)"}, ss...), "mmap_read_unlock(m)")
	}
	other := func() []string {
		flush := fmt.Sprintf("flush_tlb_range(v, 0x100000, pages=%d)", pages)
		switch r.IntN(5) {
		case 0:
			return []string{"mmap_read_lock(m)", flush, "mmap_read_unlock(m)"}
		case 1:
			// the entry read first: the final n tells whether the flush
			// came after the change, so that the order of the flush and
			// a check that follows the change is a final state of its own
			locals++
			x := fmt.Sprintf("x%d", locals)
			return []string{fmt.Sprintf("pte %s = pte_offset_map_lock(m, %s)", x, addr()), fmt.Sprintf("if %s { n += ptep_get(%s) }", x, x),
				fmt.Sprintf("if %s { pte_unmap_unlock(%s) }", x, x), flush}
		case 2:
			return changer(r.IntN(2) == 0)
		default:
			return []string{fmt.Sprintf("touch(m, %s, write)", addr())}
		}
	}
	threads := [][]string{changer(false), other()}
	if r.IntN(3) == 0 {
		threads = append(threads, other())
	}
	// the first thread runs first in the search's first execution
	r.Shuffle(len(threads), func(i, j int) { threads[i], threads[j] = threads[j], threads[i] })
	for i, ss := range threads {
		fmt.Fprintf(&b, "thread t%d {\n", i)
		for _, s := range ss {
			b.WriteString("  " + s + "\n")
		}
		b.WriteString("}\n")
	}
	return b.String()
}
