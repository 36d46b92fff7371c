package runtime

import (
	"fmt"
	"slices"
	"sync"

	"github.com/mmscript/mmscript/lang"
)

// lockdep keeps the class dependency graph: an edge A -> B means "B was
// taken while A was held". Like the kernel's lockdep, it reports a possible
// circular dependency when an acquisition would close a cycle, even if the
// run that built the graph never deadlocked.
//
// The graph starts seeded with the documented order (mm/rmap.c), standing in
// for what a running kernel's lockdep has learned long before a driver's
// code runs: the normal fault, munmap and reclaim paths take these locks in
// this order all the time.
type lockdep struct {
	reach [maxClasses]uint64 // reach[a] has bit b if b is reachable from a
	adj   [maxClasses]uint64 // adj[a] has bit b for a recorded edge a -> b
	// from holds where each recorded edge was made, but for the seeded
	// edges, which stay in seed.from (see origin): the explorer makes a
	// kernel per run, and a copy of the seeded map per kernel was a
	// twentieth of a run's allocations. Nil until the first edge.
	from  map[[2]Class]edgeOrigin
	names []string      // the names of the classes from ClassUser on
	keys  []subclassKey // what each class from ClassUser on is keyed by
}

// subclassKey is what keys a lockdep class: a lock's class and the
// subclass it is taken as. kernel/locking/lockdep.c: register_lock_class()
// makes a class of its own per subclass of a key (lock->class_cache[subclass]),
// so mmap_write_lock_nested(mm, SINGLE_DEPTH_NESTING) takes
// "&mm->mmap_lock/1", a class apart from "&mm->mmap_lock".
type subclassKey struct {
	base Class
	sub  uint8
}

// SingleDepthNesting is the subclass of the kernel's _nested acquisitions
// (include/linux/lockdep.h: SINGLE_DEPTH_NESTING).
const SingleDepthNesting = 1

// maxSubclasses is include/linux/lockdep_types.h: MAX_LOCKDEP_SUBCLASSES;
// look_up_lock_class() refuses a subclass beyond it.
const maxSubclasses = 8

type edgeOrigin struct {
	pos    lang.Pos // where a script made the edge; zero for a seeded one
	thread string
	path   []string // the thread's call path there: a report's stand-in for lockdep's stack trace
}

// documentedOrder is the outer-to-inner order from the header comment of
// mm/rmap.c (reproduced in Documentation/mm/process_addrs.rst, "Lock
// ordering"), restricted to the classes mmscript models.
//
// The folio lock is in that order (after the mmap lock, before the VMA
// lock) but has no lockdep map in the kernel: lockdep never sees it, so it
// is not in the graph either; a folio-lock inversion shows up here as the
// deadlock it causes, as in the kernel.
var documentedOrder = [][2]Class{
	{ClassIRwsem, ClassMmapLock}, // a write() faulting in its user buffer
	{ClassMmapLock, ClassInvalidateLock},
	{ClassInvalidateLock, ClassVMALock},
	{ClassMmapLock, ClassVMALock},
	{ClassVMALock, ClassIMmapRwsem},
	{ClassIMmapRwsem, ClassAnonVMARwsem},
	{ClassAnonVMARwsem, ClassPageTableLock},
	{ClassAnonVMARwsem, ClassPMDLock},
	{ClassPMDLock, ClassPTELock},
	{ClassPageTableLock, ClassPTELock},
}

// learnedOrder are dependencies mm/rmap.c's order does not name but a
// running kernel's lockdep learns from paths mmscript runs only in part:
// userfaultfd's map_changing_lock is taken for write under the mmap write
// lock by the non-cooperative events (fs/userfaultfd.c:
// mremap_userfaultfd_prep(), userfaultfd_unmap_prep(), dup_userfaultfd();
// userfaultfd_remove() under the read lock), and for read under the VMA
// read lock by the UFFDIO_* ioctls (mm/userfaultfd.c: mfill_atomic(),
// move_pages(): uffd_mfill_lock()/uffd_move_lock(), then down_read()),
// which install their entries under the PTE lock
// (mfill_atomic_install_pte()).
var learnedOrder = [][2]Class{
	{ClassMmapLock, ClassUffdMapChanging},
	{ClassVMALock, ClassUffdMapChanging},
	{ClassUffdMapChanging, ClassPTELock},
}

func newLockdep() *lockdep {
	seedOnce.Do(func() {
		seed = lockdep{from: map[[2]Class]edgeOrigin{}}
		for _, e := range documentedOrder {
			seed.add(e[0], e[1], edgeOrigin{})
		}
		for _, e := range learnedOrder {
			seed.add(e[0], e[1], edgeOrigin{})
		}
	})
	// A copy of the seeded graph: the explorer makes a kernel per run,
	// and adding the documented order edge by edge (its closure and a
	// growing map) was a tenth of a run's allocations. The seeded edges'
	// origins are shared (origin).
	d := seed
	d.from = nil
	d.names, d.keys = nil, nil
	return &d
}

// origin is where the recorded edge a -> b was made: the documented
// order's edges are in seed.from, the run's own in d.from (add never
// records a known edge again, so no edge is in both).
func (d *lockdep) origin(a, b Class) edgeOrigin {
	if o, ok := d.from[[2]Class{a, b}]; ok {
		return o
	}
	return seed.from[[2]Class{a, b}]
}

// seed is the graph of the documented order, made once.
var (
	seed     lockdep
	seedOnce sync.Once
)

// newClass allocates a class for a lock a script declares: lockdep gives
// each statically declared lock a class of its own.
func (d *lockdep) newClass(name string) (Class, bool) {
	c := ClassUser + Class(len(d.names))
	if c >= maxClasses {
		return 0, false
	}
	d.names = append(d.names, name)
	d.keys = append(d.keys, subclassKey{c, 0})
	return c, true
}

// classOf is the lockdep class of base taken as subclass sub, made on its
// first use as register_lock_class() makes it. ok is false when the
// classes have run out; base is returned then, and the caller treats the
// acquisition as the kernel's lockdep did before subclasses were counted
// apart: it skips the same-class check.
func (d *lockdep) classOf(base Class, sub uint8) (c Class, ok bool) {
	if sub == 0 {
		return base, true
	}
	for i, k := range d.keys {
		if k == (subclassKey{base, sub}) {
			return ClassUser + Class(i), true
		}
	}
	c, ok = d.newClass(d.subName(base, sub))
	if !ok {
		return base, false
	}
	d.keys[len(d.keys)-1] = subclassKey{base, sub}
	return c, true
}

// subName is how lockdep prints base taken as subclass sub: the class's
// name, then "/sub" for a subclass other than 0
// (kernel/locking/lockdep.c: __print_lock_name()).
func (d *lockdep) subName(base Class, sub uint8) string {
	if sub == 0 {
		return d.name(base)
	}
	return fmt.Sprintf("%s/%d", d.name(base), sub)
}

// name is how reports name a class.
func (d *lockdep) name(c Class) string {
	if c >= ClassUser && int(c-ClassUser) < len(d.names) {
		return d.names[c-ClassUser]
	}
	return c.String()
}

func (d *lockdep) reaches(a, b Class) bool { return d.reach[a]&(1<<b) != 0 }

// known reports whether the edge a -> b is recorded.
func (d *lockdep) known(a, b Class) bool { return d.adj[a]&(1<<b) != 0 }

func (d *lockdep) add(a, b Class, o edgeOrigin) {
	if d.adj[a]&(1<<b) != 0 {
		return // known edge: reach already includes it
	}
	d.adj[a] |= 1 << b
	if d.from == nil {
		d.from = map[[2]Class]edgeOrigin{}
	}
	d.from[[2]Class{a, b}] = o
	nb := d.reach[b] | 1<<b
	for x := Class(0); x < maxClasses; x++ {
		if x == a || d.reach[x]&(1<<a) != 0 {
			d.reach[x] |= nb
		}
	}
}

// path returns a chain of classes from a to b along recorded edges.
func (d *lockdep) path(a, b Class) []Class {
	var prev [maxClasses]Class
	seen := uint64(1) << a
	queue := []Class{a}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		if x == b {
			var p []Class
			for c := b; c != a; c = prev[c] {
				p = append([]Class{c}, p...)
			}
			return append([]Class{a}, p...)
		}
		for y := Class(0); y < maxClasses; y++ {
			if d.adj[x]&(1<<y) != 0 && seen&(1<<y) == 0 {
				seen |= 1 << y
				prev[y] = x
				queue = append(queue, y)
			}
		}
	}
	return nil
}

// describe explains the existing chain from a to b for a report.
func (d *lockdep) describe(a, b Class) []Related {
	p := d.path(a, b)
	var out []Related
	for i := 0; i+1 < len(p); i++ {
		e := d.origin(p[i], p[i+1])
		msg := fmt.Sprintf("existing dependency %s -> %s", d.name(p[i]), d.name(p[i+1]))
		if !e.pos.IsValid() {
			msg += " (documented order, mm/rmap.c)"
		} else if e.thread != "" {
			msg += " (thread " + e.thread + ")"
		}
		out = append(out, Related{Pos: e.pos, Msg: msg})
	}
	return out
}

// chain returns the recorded dependencies along a path from a to b.
func (d *lockdep) chain(a, b Class) []Dependency {
	p := d.path(a, b)
	var out []Dependency
	for i := 0; i+1 < len(p); i++ {
		e := d.origin(p[i], p[i+1])
		// The path is copied: the splat outlives this call (printed,
		// kept in the results) and the edge outlives the splat (every
		// later splat that crosses it reads it), so neither may write
		// into the other's array.
		out = append(out, Dependency{From: d.name(p[i]), To: d.name(p[i+1]), Pos: e.pos, Thread: e.thread, Path: slices.Clone(e.path), Documented: !e.pos.IsValid()})
	}
	return out
}
