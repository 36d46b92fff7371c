package interp

import (
	"slices"

	rt "github.com/mmscript/mmscript/runtime"
)

// snapshot is the state a run reaches once the set-up code has finished
// and the threads are made, before their first turn: the same in every
// run of a program (set-up runs alone, and runs are deterministic). The
// explorer takes it in a worker's first run, as a deep copy of that
// run's machine (rt.StateCloner) kept as an image (rt.StateImage), and
// starts every later run of the worker from it (Options.from) instead of
// making a kernel and running the set-up code again: the image's contents
// are written back into the copy's objects, which the run then uses and
// changes, and the next run writes them back again. A worker's runs are
// one after another, and nothing of a finished run is used again, as with
// the run pool (whose records never hold the image's objects: finish
// keeps a restored machine's threads and lists out of it).
//
// A state after set-up that holds a Go continuation (set-up left a
// deferred RCU callback behind) cannot be copied, and one with findings
// is not (a finding outlives its run, and its objects would be the
// image's): no snapshot is taken, and every run runs the set-up code.
type snapshot struct {
	m   *Machine
	img *rt.StateImage
	// calls are the call records the copy's threads hold (none unless
	// set-up's thread goes on in stages): the image's, which a restored
	// run's end must not hand to the pool.
	calls []*rt.Call
}

// programObjects are pointers of the types of the interpreter's program
// objects (functions, the program), which no run changes: hashed by
// address, shared by a state's copy, as rt.ProgramObjects.
func programObjects() []any { return []any{&fn{}, &Program{}} }

// newStateCloner is a cloner for machines: program objects are shared,
// and the run's own parts (its options and hooks, scratch buffers and
// schedule log, which come from the run's pool) are left out.
func newStateCloner() *rt.StateCloner {
	c := rt.NewStateCloner()
	c.Share(programObjects()...)
	c.Zero(Machine{}, "opts", "fp", "stop", "echo", "runnable", "pickBuf", "peek", "sched", "movedFrom", "restored")
	return c
}

// takeSnapshot copies m, a machine at the end of set-up (Options.onStart).
// It returns nil and why when the state cannot be copied.
func takeSnapshot(m *Machine, c *rt.StateCloner) (*snapshot, string) {
	if m.sched.n != 0 || m.known != 0 {
		return nil, "not at the end of set-up"
	}
	if len(m.k.Diagnostics()) > 0 {
		return nil, "set-up reported findings"
	}
	// A copy keeps its slices' capacity: room for the frames a run
	// pushes, or each restored run would grow them afresh (see
	// rt.Kernel.Reserve, which does so for the kernel's).
	for _, t := range m.threads {
		t.fr = slices.Grow(t.fr, 16)
	}
	m.k.Reserve()
	c.Begin()
	cm := c.Clone(m).(*Machine)
	if why := c.Err(); why != "" {
		return nil, why
	}
	snap := &snapshot{m: cm, img: c.Image()}
	for _, t := range append([]*Thread{cm.main}, cm.threads...) {
		if t == nil {
			continue
		}
		snap.calls = append(snap.calls, t.spare...)
		if t.call != nil {
			snap.calls = append(snap.calls, t.call)
		}
		for i := range t.fr {
			if c := t.fr[i].call; c != nil {
				snap.calls = append(snap.calls, c)
			}
		}
	}
	return snap, ""
}

// restore returns the snapshot's machine in the snapshot's state, to run
// with opts (those of the run that took it but for the hooks), as Run
// would have made it by the end of set-up. The machine of the previous
// restore must be dead.
func (s *snapshot) restore(opts Options) *Machine {
	s.img.Restore()
	m := s.m
	m.restored = true
	m.opts = opts
	// The threads' list stays the snapshot's (finish keeps it out of
	// the pool).
	m.useRunParts(opts)
	return m
}
