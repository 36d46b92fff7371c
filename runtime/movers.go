package runtime

import "fmt"

// Movers: which steps the interpreter may run in the same turn as the
// step before them (Lipton, "Reduction: a method of proving properties of
// parallel programs", CACM 1975). interp's Machine.turn ends a turn after
// the first step that touches shared state; it goes on with the thread's
// next step when that step is a left mover: one that commutes with every
// step of every other thread (for each such s, s;r and r;s reach the same
// state with the same findings) and never blocks. Moving every left mover
// back to the step before it turns any interleaving into one of the
// merged turns, so the search over turns finds what the search over
// steps finds (interp/movers.go gives the whole argument).
//
// Two declarations, next to each primitive, decide it:
//
//   - Op.Release: the step only drops a hold of the caller's, named by its
//     arguments, and reads nothing another thread writes (Release.Lock).
//   - Op.Locks: which lock classes a step of the operation may use, and
//     how (LockUse). An operation without it may use every class in every
//     way, which is always a sound declaration.
//
// A read release commutes with what other threads do to its lock only as
// long as they can do nothing but take, try and drop the read side of it:
// a writer that queues is handed the lock by the release (the queue and
// the hand-over are state, and a blocked acquisition's continuation, such
// as mmap_write_lock's mm_lock_seq bump, runs as a step of its own after
// the hand-over); a trylock for write or an observation of the holders
// (rwsem_is_locked, a field read of held, an assertion that reports who
// holds it) sees the hold and not its absence. So the interpreter takes a
// read release as a left mover only for a class that no code the threads
// can reach uses otherwise (interp: moverClasses), and the kernel checks,
// at every lock use of such a class, that the operation declared it: a
// use beyond the declarations is an error of mmscript (checkMoverUse),
// never a silent unsound merge.

// ClassSet is a set of lock classes.
type ClassSet uint64

// AllClasses is every class; ScriptClasses every class a script's lock
// declarations get (ClassUser on).
const (
	AllClasses    ClassSet = ^ClassSet(0)
	ScriptClasses ClassSet = AllClasses &^ (1<<ClassUser - 1)
)

// ClassesOf makes a set of classes.
func ClassesOf(cs ...Class) ClassSet {
	var s ClassSet
	for _, c := range cs {
		s |= 1 << c
	}
	return s
}

// Has reports whether c is in s.
func (s ClassSet) Has(c Class) bool { return c < maxClasses && s&(1<<c) != 0 }

// LockUse declares how a step of an operation may use lock classes.
type LockUse struct {
	// Read: the read side only, as a reader does where no writer ever
	// waits: read acquisitions, read trylocks, and drops of its own read
	// holds. Such uses commute with one another (the readers are a set,
	// sem->owner is set by every grant and cleared only by its own
	// reader).
	Read ClassSet
	// Other: any other use: write acquisitions and releases, a wait,
	// trylocks for write, downgrades, releases on another task's behalf,
	// and reading who holds a lock (fpLockObserve: assertions,
	// rwsem_is_locked, lockdep_is_held).
	Other ClassSet
}

// NoLocks declares an operation that uses no lock at all.
var NoLocks = &LockUse{}

// readLocks declares an operation that uses only the read side of cs.
func readLocks(cs ...Class) *LockUse { return &LockUse{Read: ClassesOf(cs...)} }

// otherLocks declares an operation that may use cs in any way.
func otherLocks(cs ...Class) *LockUse { return &LockUse{Other: ClassesOf(cs...)} }

// Release declares an operation whose step drops one hold of the
// caller's and does nothing else another thread could see: it reads only
// the caller's own holds and the lock (no VMA, page or table that another
// thread may free, no RCU section it may end, no TLB flush it owes).
type Release struct {
	Mode Mode
	// Lock is the lock its arguments name, nil when they name none (the
	// interpreter reads them before the step runs).
	Lock func(args []Value) *Lock
}

// MoverClasses tells the kernel the classes whose read releases the
// interpreter merges into the step before them; from then on every use
// of a lock of such a class is checked against its operation's Locks.
func (k *Kernel) MoverClasses(s ClassSet) { k.movers = s }

// HoldsFor reports whether t holds l in mode, without recording a
// footprint: the interpreter asks it before the step that drops it.
func (t *Task) HoldsFor(l *Lock, mode Mode) bool {
	if mode == Write {
		return l.writer == t
	}
	return l.readHeldBy(t)
}

// checkMoverUse checks a use of l by t (read: the read side only) against
// the declaration of t's current operation, for a class whose read
// releases are merged. A use the declarations did not foresee would make
// that merge unsound, so it stops the run as an error of mmscript.
func (t *Task) checkMoverUse(l *Lock, read bool) {
	if !t.k.movers.Has(l.Class) {
		return
	}
	var op *Op
	if t.cur != nil {
		op = t.cur.Op
	}
	if read && op != nil && op.Locks != nil && op.Locks.Read.Has(l.Class) {
		return
	}
	t.k.moverViolation(op, l, read)
}

// checkMoverObserve checks a read of who holds l (fpLockObserve): never
// declared as a read use.
func (k *Kernel) checkMoverObserve(l *Lock) {
	if k.movers.Has(l.Class) {
		k.moverViolation(nil, l, false)
	}
}

func (k *Kernel) moverViolation(op *Op, l *Lock, read bool) {
	name, how := "a step", "beyond the read side"
	if op != nil {
		name = op.Name
	}
	if read {
		how = "without declaring it"
	}
	panic(fmt.Sprintf("mover classification: %s uses %s (%s) %s (runtime: Op.Locks), but the interpreter merges releases of that class", name, l.Name, l.Class, how))
}

// opLocks declares the lock use of operations defined elsewhere, as
// opFootprints does their footprints.
var opLocks = map[string]*LockUse{
	"alloc_page": NoLocks, "get_page": NoLocks, "put_page": NoLocks, "folio_get": NoLocks, "folio_put": NoLocks, "folio_try_get": NoLocks, "page_to_pfn": NoLocks,
	"might_sleep": NoLocks, "msleep": NoLocks,
}

// sideOf declares an rwsem primitive of mode on class c.
func sideOf(mode Mode, c Class) *LockUse {
	if mode == Read {
		return readLocks(c)
	}
	return otherLocks(c)
}

// argLock names the lock of the mm argument 0.
func argLock(get func(m *MM) *Lock) func(args []Value) *Lock {
	return func(args []Value) *Lock {
		if len(args) > 0 {
			if m, ok := args[0].Obj.(*MM); ok && m != nil {
				return get(m)
			}
		}
		return nil
	}
}

// fileRelease declares the unlock of a file's rwsem (the file is never
// freed): the step reads the file argument and the caller's holds.
func fileRelease(mode Mode, get func(f *File) *Lock) *Release {
	return &Release{Mode: mode, Lock: func(args []Value) *Lock {
		if len(args) > 0 {
			if f, ok := args[0].Obj.(*File); ok && f != nil {
				return get(f)
			}
		}
		return nil
	}}
}
