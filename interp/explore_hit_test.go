package interp

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	rt "github.com/mmscript/mmscript/runtime"
)

// hitStep is a step of a path built by hand: its thread, what it touched,
// and the threads enabled (and asleep) in the state before it.
type hitStep struct {
	tid       int
	acc       []rt.Access
	en, sleep uint64
}

// hitSearcher builds a searcher whose stack is path, with the vector
// clocks analyze computes and each state's backtrack set holding only the
// step taken (analyze's own races are undone: the test is about hits).
func hitSearcher(nthr int, path []hitStep) *searcher {
	s := &searcher{x: &explorer{}, nthr: nthr, hitAt: -1}
	for _, p := range path {
		s.stack = append(s.stack, node{tid: p.tid, acc: p.acc, enabled: p.en, sleepMask: p.sleep})
	}
	s.analyze(0, 0)
	for i := range s.stack {
		n := &s.stack[i]
		n.backtrack, n.done = 1<<n.tid, 1<<n.tid
	}
	return s
}

func wr(kind rt.AccessKind, obj uint32) rt.Access {
	return rt.Access{Kind: kind, Obj: obj, Write: true}
}
func rd(kind rt.AccessKind, obj uint32) rt.Access { return rt.Access{Kind: kind, Obj: obj} }

// sa is a summary entry.
func sa(a rt.Access, tid int, after, preds uint64) sumAcc {
	return sumAcc{key: sumKey(a, tid), after: after, preds: preds}
}

// A cache hit adds a backtrack point for a race of a path step with the
// pruned subtree only where the summary's happens-before information
// leaves one, and only the threads that can start the race's v.
func TestApplyHitRaces(t *testing.T) {
	a, b := wr(rt.AGlobal, 1), wr(rt.AGlobal, 2)
	for _, c := range []struct {
		name string
		path []hitStep
		sum  []sumAcc
		want []uint64 // each state's backtrack set after the hit
	}{{
		// Thread 1 reads what thread 0 wrote; thread 2 is enabled but
		// touches nothing of it. The old summary (no order) expanded
		// state 0 fully ({0,1,2}); v lies in the subtree and only
		// thread 1 can start it.
		name: "one thread, not every enabled one",
		path: []hitStep{{tid: 0, acc: []rt.Access{a}, en: 0b111}},
		sum:  []sumAcc{sa(rd(rt.AGlobal, 1), 1, 0, 0), sa(b, 2, 0, 0)},
		want: []uint64{0b011},
	}, {
		// As above, but the read happens after a step of thread 0 in
		// the subtree, which comes after the path's step of thread 0:
		// no race (the old summary expanded state 0 fully).
		name: "after a step of e's thread",
		path: []hitStep{{tid: 0, acc: []rt.Access{a}, en: 0b111}},
		sum:  []sumAcc{sa(rd(rt.AGlobal, 1), 1, 0b001, 0b001), sa(wr(rt.AGlobal, 3), 0, 0, 0)},
		want: []uint64{0b001},
	}, {
		// The read happens after a step of thread 2, whose last path
		// step (state 1) happens after state 0's step: no race at 0,
		// and none at 1 (thread 2's subtree step comes after it).
		name: "after a thread ordered on the path",
		path: []hitStep{{tid: 0, acc: []rt.Access{a}, en: 0b111}, {tid: 2, acc: []rt.Access{a, b}, en: 0b111}},
		sum:  []sumAcc{sa(rd(rt.AGlobal, 1), 1, 0b100, 0b100)},
		want: []uint64{0b001, 0b100},
	}, {
		// A path step after state 0's, ordered after it (it writes a
		// too), conflicts with the read: state 0's step happens before
		// the read through it; state 1's races with it.
		name: "ordered through a path step",
		path: []hitStep{{tid: 0, acc: []rt.Access{a}, en: 0b111}, {tid: 2, acc: []rt.Access{a}, en: 0b111}},
		sum:  []sumAcc{sa(rd(rt.AGlobal, 1), 1, 0, 0)},
		want: []uint64{0b001, 0b110},
	}, {
		// The read may come after a step of thread 2 (preds): either
		// thread can start v, both are added.
		name: "preds are candidates",
		path: []hitStep{{tid: 0, acc: []rt.Access{a}, en: 0b111}},
		sum:  []sumAcc{sa(rd(rt.AGlobal, 1), 1, 0, 0b100)},
		want: []uint64{0b111},
	}, {
		// A step of the path after state 0's that does not happen
		// after it starts v: its thread is the initial, as race adds.
		name: "v starts on the path",
		path: []hitStep{{tid: 0, acc: []rt.Access{a}, en: 0b111}, {tid: 2, acc: []rt.Access{b}, en: 0b110}},
		sum:  []sumAcc{sa(rd(rt.AGlobal, 1), 1, 0, 0)},
		want: []uint64{0b101, 0b100},
	}, {
		// The candidate is asleep at state 0: its sleep covers the
		// race.
		name: "asleep",
		path: []hitStep{{tid: 0, acc: []rt.Access{a}, en: 0b111, sleep: 0b010}},
		sum:  []sumAcc{sa(rd(rt.AGlobal, 1), 1, 0, 0)},
		want: []uint64{0b001},
	}} {
		t.Run(c.name, func(t *testing.T) {
			s := hitSearcher(3, c.path)
			s.hitAt, s.hitSum = len(c.path), c.sum
			s.applyHit(0)
			var got []uint64
			for i := range s.stack {
				got = append(got, s.stack[i].backtrack)
			}
			if fmt.Sprintf("%b", got) != fmt.Sprintf("%b", c.want) {
				t.Errorf("backtrack sets %b, want %b", got, c.want)
			}
		})
	}
}

// Summaries keep what holds in every execution (after) and what may
// happen in one (preds): two executions of a state merge by intersecting
// after, and folding a step into a child's summary orders after it the
// accesses it conflicts with.
func TestSummaryOrder(t *testing.T) {
	x := rd(rt.AGlobal, 1)
	// Branch 1: thread 0 writes x's object, then thread 1 reads it:
	// the read happens after thread 0's step.
	child := []sumAcc{sa(x, 1, 0, 0)}
	br1 := addAccs(fold(nil, child, 0, []rt.Access{wr(rt.AGlobal, 1)}), []rt.Access{wr(rt.AGlobal, 1)}, 0)
	want1 := []sumAcc{sa(x, 1, 0b001, 0b001), sa(wr(rt.AGlobal, 1), 0, 0, 0)}
	if fmt.Sprint(br1) != fmt.Sprint(want1) {
		t.Fatalf("branch 1: %v, want %v", br1, want1)
	}
	// Branch 2: thread 1 reads first, then thread 0 writes: the read
	// happens after nothing. The merged entry must not claim the order
	// of branch 1 (after intersected); a race of a path step that
	// writes x with the merged summary is a race again.
	br2 := addAccs(fold(nil, []sumAcc{sa(wr(rt.AGlobal, 1), 0, 0, 0)}, 1, []rt.Access{x}), []rt.Access{x}, 1)
	m := union(append([]sumAcc(nil), br1...), br2)
	for _, e := range m {
		if e.acc() == x && (e.after != 0 || e.tid() != 1) {
			t.Errorf("merged read: %+v, want after empty", e)
		}
	}
	path := []hitStep{{tid: 0, acc: []rt.Access{wr(rt.AGlobal, 1)}, en: 0b111}}
	for _, c := range []struct {
		name string
		sum  []sumAcc
		want uint64
	}{{"branch 1 alone", br1, 0b001}, {"both branches", m, 0b011}} {
		s := hitSearcher(3, path)
		s.hitAt, s.hitSum = 1, c.sum
		s.applyHit(0)
		if got := s.stack[0].backtrack; got != c.want {
			t.Errorf("%s: backtrack %b, want %b", c.name, got, c.want)
		}
	}
	// A step that conflicts with nothing in the child orders nothing,
	// but may come before an access after one it conflicts with.
	f := fold(nil, []sumAcc{sa(rd(rt.AGlobal, 2), 1, 0, 0), sa(wr(rt.AGlobal, 3), 2, 0, 0b010)}, 0, []rt.Access{wr(rt.AGlobal, 2)})
	if f[0].after != 0b001 || f[1].after != 0 || f[1].preds != 0b011 {
		t.Errorf("fold: %+v", f)
	}
}

// forConflicts, and its hashed form for hits (sumIndex), find exactly
// the entries of a summary that an access of a step conflicts with, on
// random summaries and steps over a few objects (AllObjects and AWorld
// included).
func TestForConflictsFindsEveryConflict(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	kinds := []rt.AccessKind{rt.AWorld, rt.ALock, rt.ATask, rt.APage, rt.AGlobal}
	randAcc := func() rt.Access {
		a := rt.Access{Kind: kinds[rng.IntN(len(kinds))], Obj: uint32(rng.IntN(4))}
		if rng.IntN(5) == 0 {
			a.Obj = rt.AllObjects
		}
		a.Write, a.Shared, a.Observe = rng.IntN(3) == 0, rng.IntN(3) == 0, rng.IntN(3) == 0
		return a
	}
	var ix sumIndex
	for round := range 2000 {
		var sum []sumAcc
		for range rng.IntN(40) {
			sum = union(sum, []sumAcc{sa(randAcc(), rng.IntN(4), 0, 0)})
		}
		var acc []rt.Access
		for range 1 + rng.IntN(3) {
			if a := randAcc(); a.Kind != rt.AWorld || rng.IntN(4) == 0 {
				acc = append(acc, a)
			}
		}
		want := map[uint64]bool{}
		for i := range sum {
			if conflictsAny(acc, sum[i].acc()) {
				want[sum[i].key] = true
			}
		}
		ix.build(sum)
		for name, find := range map[string]func(func(*sumAcc)){
			"forConflicts": func(f func(*sumAcc)) { forConflicts(sum, acc, f) },
			"sumIndex":     func(f func(*sumAcc)) { ix.forConflicts(acc, f) },
		} {
			got := map[uint64]bool{}
			find(func(x *sumAcc) { got[x.key] = true })
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("round %d, %s: %v against %v: found %v, want %v", round, name, acc, sum, got, want)
			}
		}
	}
}

// union merges two sorted summaries into one sorted summary: the same
// access by the same thread once, after intersected and preds united.
func TestUnionMergesEntries(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	randSum := func(n int) []sumAcc {
		var s []sumAcc
		for range n {
			a := rt.Access{Kind: rt.AGlobal, Obj: uint32(rng.IntN(30)), Write: rng.IntN(2) == 0}
			s = unionThrough(s, []sumAcc{sa(a, rng.IntN(3), rng.Uint64N(8), rng.Uint64N(8))}, nil)
		}
		return s
	}
	for round := range 1000 {
		dst, src := randSum(rng.IntN(80)), randSum(rng.IntN(6))
		want := map[uint64][2]uint64{}
		for _, s := range [][]sumAcc{dst, src} {
			for _, x := range s {
				if w, ok := want[x.key]; ok {
					want[x.key] = [2]uint64{w[0] & x.after, w[1] | x.preds}
				} else {
					want[x.key] = [2]uint64{x.after, x.preds}
				}
			}
		}
		got := union(append([]sumAcc(nil), dst...), src)
		if len(got) != len(want) || !slices.IsSortedFunc(got, func(a, b sumAcc) int { return cmp.Compare(a.key, b.key) }) {
			t.Fatalf("round %d: %d entries (sorted: %v), want %d", round, len(got), slices.IsSortedFunc(got, func(a, b sumAcc) int { return cmp.Compare(a.key, b.key) }), len(want))
		}
		for _, x := range got {
			if w := want[x.key]; w != [2]uint64{x.after, x.preds} {
				t.Fatalf("round %d: entry %x: after %b preds %b, want %b %b", round, x.key, x.after, x.preds, w[0], w[1])
			}
		}
	}
}
