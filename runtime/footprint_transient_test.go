package runtime

import "testing"

// A lock taken and released within one step, free at both ends, is an
// observation of the lock (fpTransientEnd): two such steps of different
// tasks commute, but each still depends on an acquisition that holds the
// lock across a step, on a release, on a queueing and on a read grant;
// a hold under which an epoch is taken keeps its write (the write
// generation it reads), and a new lockdep edge stays a write of the edge.
func TestTransientLockFootprint(t *testing.T) {
	k := NewKernel()
	f := NewFootprint()
	k.SetFootprint(f)
	defer k.SetFootprint(nil)
	step := func(tk *Task, fn func()) []Access {
		f.ResetOwn(tk.ID)
		fn()
		return append([]Access(nil), f.Acc...)
	}
	ptl := NewLock(ClassPTELock, Spin, "ptl")
	sem := NewLock(ClassUser+1, RWSem, "sem")
	outer := NewLock(ClassUser+2, Spin, "outer")
	a, b, c := k.NewTask("a"), k.NewTask("b"), k.NewTask("c")
	transient := func(tk *Task, l *Lock) []Access {
		return step(tk, func() {
			if !tk.Acquire(l, Write) || !tk.Release(l, Write) {
				t.Fatalf("%s: lock %s not free", tk.Name, l.Name)
			}
		})
	}
	lockOf := func(acc []Access, l *Lock) Access {
		for _, x := range acc {
			if x.Kind == ALock && x.Obj == ID(l) {
				return x
			}
		}
		t.Fatalf("no access of %s in %v", l.Name, acc)
		return Access{}
	}

	ta, tb := transient(a, ptl), transient(b, ptl)
	if x := lockOf(ta, ptl); x.Write || !x.Observe {
		t.Errorf("transient hold: lock access %v, want an observation", x)
	}
	if Dependent(ta, tb) {
		t.Errorf("two transient holds of one lock are dependent: %v / %v", ta, tb)
	}

	// c takes ptl across a step boundary, then releases it.
	take := step(c, func() { c.Acquire(ptl, Write) })
	if !Dependent(ta, take) || !Dependent(tb, take) {
		t.Errorf("a transient hold commutes with an acquisition across steps: %v / %v", ta, take)
	}
	queue := step(a, func() {
		if a.Acquire(ptl, Write) {
			t.Fatal("a got ptl while c holds it")
		}
	})
	if !Dependent(tb, queue) {
		t.Errorf("a transient hold commutes with a queueing: %v / %v", tb, queue)
	}
	drop := step(c, func() { c.Release(ptl, Write) }) // hands ptl to a
	if !Dependent(tb, drop) {
		t.Errorf("a transient hold commutes with a release: %v / %v", tb, drop)
	}
	step(a, func() { a.Release(ptl, Write) })

	// A read grant of an rwsem makes a writer wait.
	rd := step(c, func() { c.Acquire(sem, Read) })
	step(c, func() { c.Release(sem, Read) })
	tw := transient(a, sem)
	if !Dependent(tw, rd) {
		t.Errorf("a transient write hold commutes with a read grant: %v / %v", tw, rd)
	}

	// An epoch under the hold reads its write generation.
	ep := step(b, func() {
		b.Acquire(ptl, Write)
		b.newEpoch(ptl)
		b.Release(ptl, Write)
	})
	if x := lockOf(ep, ptl); !x.Write {
		t.Errorf("hold with an epoch: lock access %v, want a write", x)
	}
	if !Dependent(ep, ta) {
		t.Errorf("a hold with an epoch commutes with a transient hold: %v / %v", ep, ta)
	}

	// A new lockdep edge (outer -> ptl) stays a write of lockdep; the
	// held outer lock stays a write.
	nest := step(c, func() {
		c.Acquire(outer, Write)
		c.Acquire(ptl, Write)
		c.Release(ptl, Write)
	})
	if x := lockOf(nest, outer); !x.Write {
		t.Errorf("lock held at the end of the step: %v, want a write", x)
	}
	edge := Access{Kind: ALockdep, Obj: lockdepEdges | uint32(outer.Class)<<8 | uint32(ptl.Class), Write: true}
	found := false
	for _, x := range ofKind(nest, ALockdep) {
		found = found || x == edge
	}
	if !found {
		t.Errorf("new lockdep edge: %v, want a write of the edge outer -> ptl (%v)", ofKind(nest, ALockdep), edge)
	}
}
