package runtime

import (
	"fmt"
	"testing"
)

// Lockdep's footprint is the part of the class graph an acquisition
// reads or changes (fpLockdepReach, fpLockdepEdge): two acquisitions the
// footprints call independent must leave the same graph and report the
// same in either order. Every pair of "holding x, take y" steps by two
// tasks is run both ways from a graph seeded with a chain, and the
// footprints must also tell apart the pairs that do not commute: with
// c0 -> c1 and c2 -> c3 known, holding c3 and taking c0 closes a cycle
// only after another task has taken c2 under c1, which a footprint
// that looked at c0's own edges alone would miss.
func TestLockdepFootprintCommutes(t *testing.T) {
	const n = 5
	type acq struct {
		held, take int
		name       string
	}
	var acqs []acq
	for x := -1; x < n; x++ { // -1: nothing held
		for y := 0; y < n; y++ {
			if x != y {
				acqs = append(acqs, acq{held: x, take: y})
			}
		}
	}
	// world builds a kernel whose graph has the edges c0 -> c1 and c2 -> c3 and the
	// script's locks, and runs the steps given, each by its own task,
	// returning each step's lockdep accesses and reports.
	type result struct {
		acc  [][]Access
		diag []string
		adj  [maxClasses]uint64
		org  map[[2]Class]string
	}
	world := func(steps ...acq) result {
		k := NewKernel()
		locks := make([]*Lock, n)
		for i := range locks {
			name := fmt.Sprintf("c%d", i)
			locks[i] = NewLock(k.NewLockClass(name), Spin, name)
		}
		seed := k.NewTask("seed")
		for _, e := range [][2]int{{0, 1}, {2, 3}} {
			seed.Acquire(locks[e[0]], Write)
			seed.Acquire(locks[e[1]], Write)
			seed.Release(locks[e[1]], Write)
			seed.Release(locks[e[0]], Write)
		}
		f := NewFootprint()
		k.SetFootprint(f)
		var r result
		for _, s := range steps {
			tk := k.NewTask(s.name)
			tk.Pos.Line = int(s.name[0])
			f.ResetOwn(tk.ID)
			nd := len(k.Diagnostics())
			if s.held >= 0 {
				tk.Acquire(locks[s.held], Write)
			}
			tk.Acquire(locks[s.take], Write)
			tk.Release(locks[s.take], Write)
			if s.held >= 0 {
				tk.Release(locks[s.held], Write)
			}
			var acc []Access
			for _, a := range f.Acc {
				if a.Kind == ALockdep {
					acc = append(acc, a)
				}
			}
			r.acc = append(r.acc, acc)
			for _, d := range k.Diagnostics()[nd:] {
				r.diag = append(r.diag, fmt.Sprintf("%s %s: %s", d.Thread, d.Rule, d.Msg))
			}
		}
		r.adj = k.dep.adj
		r.org = map[[2]Class]string{}
		for e, o := range k.dep.from {
			r.org[e] = fmt.Sprint(o.thread, o.pos.Line)
		}
		return r
	}
	commuting, dependent := 0, 0
	for _, a := range acqs {
		for _, b := range acqs {
			a.name, b.name = "A", "B"
			ab, ba := world(a, b), world(b, a)
			// Footprints at the common state: each step run first.
			fa, fb := world(a).acc[0], world(b).acc[0]
			indep := !Dependent(fa, fb)
			same := ab.adj == ba.adj && fmt.Sprint(ab.org) == fmt.Sprint(ba.org) &&
				len(ab.diag) == len(ba.diag)
			if same {
				// The same reports, each by the step that made it.
				m := map[string]int{}
				for _, d := range ab.diag {
					m[d]++
				}
				for _, d := range ba.diag {
					m[d]--
				}
				for _, c := range m {
					same = same && c == 0
				}
			}
			if indep && !same {
				t.Errorf("holding c%d take c%d / holding c%d take c%d: independent by %v / %v, but the orders differ:\n%v %v %v\n%v %v %v",
					a.held, a.take, b.held, b.take, fa, fb, ab.adj[:n+int(ClassUser)], ab.org, ab.diag, ba.adj[:n+int(ClassUser)], ba.org, ba.diag)
			}
			if indep {
				commuting++
			} else {
				dependent++
			}
		}
	}
	// Most pairs of acquisitions touch unrelated parts of the graph: a
	// footprint of the whole graph would make every nested pair dependent.
	if commuting < dependent {
		t.Errorf("%d independent pairs, %d dependent: the footprint is not finer than the whole graph", commuting, dependent)
	}
}
