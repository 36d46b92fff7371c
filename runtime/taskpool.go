package runtime

import (
	"slices"

	"github.com/mmscript/mmscript/mmcore"
)

// TaskPool recycles task records from one kernel to the next, as
// mmcore.TablePool does page tables: the explorer builds a kernel per
// run, thousands a second, and a task's record, its lock and call stacks
// growing from nothing, and its VMA baselines were a third of the bytes
// a run allocated once the page tables were recycled. A nil pool
// allocates every task afresh.
type TaskPool struct {
	taken []*Task // handed out since the last Reset
	free  []*Task // cleared, their slices' arrays kept
}

// skipPools leaves the task records and page tables recycled from run to
// run out of a fingerprint: they are the explorer's, not the machine's
// (those in use are reached through Kernel.Tasks and the MMs), and a
// fingerprint that saw them would tell a state apart by how many tables
// earlier runs had handed back.
func skipPools(h *StateHasher) {
	h.Skip(Kernel{}, "TaskPool")
	h.Skip(mmcore.Memory{}, "Tables")
}

// get returns a cleared task record.
func (p *TaskPool) get() *Task {
	if p == nil {
		return &Task{}
	}
	var t *Task
	if n := len(p.free); n > 0 {
		t, p.free = p.free[n-1], p.free[:n-1]
	} else {
		t = &Task{}
	}
	p.taken = append(p.taken, t)
	return t
}

// Reset takes back every task handed out since the last Reset, for the
// next kernel: the kernels that used them must never be used again. A
// task comes back as a new one is (zero but for its slices' spare
// capacity, which nothing reads past their length), and is cleared now
// rather than when reused, so that the pool keeps nothing of a dead
// kernel alive.
func (p *TaskPool) Reset() {
	for i, t := range p.taken {
		p.taken[i] = nil
		*t = Task{
			holds:         cleared(t.holds),
			calls:         cleared(t.calls),
			tlbWindows:    cleared(t.tlbWindows),
			collapseGrabs: cleared(t.collapseGrabs),
			epochs:        cleared(t.epochs),
			Stack:         cleared(t.Stack),
			vmaBase:       cleared(t.vmaBase),
		}
		p.free = append(p.free, t)
	}
	p.taken = p.taken[:0]
}

// cleared returns s emptied, its array zeroed up to its capacity.
func cleared[T any](s []T) []T {
	s = s[:cap(s)]
	clear(s)
	return s[:0]
}

// Reserve gives the tasks' stacks and the lockdep graph's map room to
// grow, before the explorer copies the kernel to restore its runs from
// (interp/snapshot.go). A copy keeps its slices' capacity and a nil map
// stays nil, so what a run appends to a task's lock and call stacks, or
// the first lock order it records, was allocated afresh in every
// restored run, grown from the set-up code's sizes: a sixth of the bytes
// a run allocated. Spare capacity is not state (nothing reads past a
// slice's length, as with the pool's tasks above), and neither is an
// empty map's size.
func (k *Kernel) Reserve() {
	for _, t := range k.Tasks {
		t.holds = slices.Grow(t.holds, 16)
		t.calls = slices.Grow(t.calls, 8)
		t.Stack = slices.Grow(t.Stack, 8)
		t.epochs = slices.Grow(t.epochs, 8)
	}
	if k.dep.from == nil {
		k.dep.from = make(map[[2]Class]edgeOrigin, 16)
	}
}
