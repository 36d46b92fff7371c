package interp

import (
	rt "github.com/mmscript/mmscript/runtime"
)

// Left movers: after the step of a turn that touches shared state (see
// Machine.turn), the thread goes on with its next step when that step is
// a read release that commutes with everything every other thread can do.
//
// The argument (Lipton, "Reduction: a method of proving properties of
// parallel programs", CACM 1975). Let r be a step of thread T that drops
// T's read hold of lock L of class C, where r's operation declares
// rt.Release (it reads T's holds and L, nothing another thread writes)
// and the statements before it in the step are local (nextOp), and where
// no code any thread can reach uses C otherwise than by the read side
// (moverClasses: every reachable operation declares rt.Op.Locks and
// none declares C in Other; no script reads a lock's held). Then in every
// run no task ever holds or waits for the write side of a C lock (set-up
// aside, which runs alone before the threads), so no C lock ever has a
// waiter: a read acquisition waits only behind a writer or a waiter. The
// steps of other threads that touch L are then read grants, read
// trylocks (which succeed) and drops of their own read holds. Each
// commutes with r exactly: the readers are a set (Lock.readers in task
// order), sem->owner is set by every grant and cleared by a release only
// when the releaser set it last, nothing waits, so nothing is woken;
// neither touches lockdep's graph, RCU or the clock of holds the other
// reads. Every other step of another thread touches nothing r reads or
// writes. So for every step s of another thread, s;r and r;s reach the
// same state with the same findings, and r is enabled whenever T is
// (it never blocks): r is a left mover. Moving each such r left, past
// the other threads' steps, to the step of T before it turns any run of
// the unmerged machine into one of the merged machine that reaches the
// same states at its turn boundaries, in particular every state a finding
// is made in (a finding is made by a step, and every step still runs, its
// checks included; a deadlock is a state where every thread is blocked,
// and no thread is blocked between a step and the release after it). So
// the search over merged turns finds every finding of the search over
// steps, and never one that the steps could not make (a merged turn is a
// run of its steps). The explorer's DPOR, sleep sets and state cache work
// on merged turns as they did on single steps: a turn's footprint is the
// union of its steps'.
//
// Why not more: a release does not commute with a trylock for write or
// an observation of its lock (rwsem_is_locked, an assertion that reports
// who holds it, lockdep_is_held, a script's .held): s;r sees L held, r;s
// does not, and merging would lose the runs in which another thread
// does something that conflicts with the step before r and then observes
// L. A writer that waits for L is handed it by r (Lock.wake), and its
// blocked acquisition's continuation runs as a step of its own after the
// hand-over (mmap_write_lock's mm_lock_seq bump, vms_gather_munmap_vmas
// run again): the states between the hand-over and that step exist only
// when the release came after the writer queued, and merging the release
// loses them. A waiter also makes the hand-over order part of what r
// does. So a class that anything reachable uses beyond the read side has
// no left movers; the kernel checks every use of a mover class against
// the declarations (rt.Task.checkMoverUse), so a declaration that is too
// small stops the run as an error of mmscript rather than hiding an
// interleaving. Exclusive locks (spinlocks, mutexes, the PTE lock) have
// no such releases: every other user of one waits for it, and a spinlock
// release also ends an RCU read-side section, which a grace period may be
// waiting for.

// moverCache is the mover classes of a program as it was when they were
// worked out: a REPL session appends code, which changes them.
type moverCache struct {
	key     int64
	classes rt.ClassSet
	// written marks the globals that code the threads can reach
	// assigns: the others hold what set-up left in them, and reading one
	// commutes with every step.
	written []bool
}

// moverKey is the program's generation (Program.gen): it changes
// whenever a session compiles a chunk into it.
func (p *Program) moverKey() int64 { return p.gen.Load() }

// moverClasses returns the lock classes whose read releases are left
// movers in p: those that no operation the threads can reach (their own
// code, the functions and kernel-library paths they call, every ops
// handler, the session's later top-level code) declares a use of other
// than the read side, in a program that reads no lock's holders.
func (p *Program) moverClasses() rt.ClassSet { return p.moverInfo().classes }

// moverInfo works out moverClasses and the globals threads write.
func (p *Program) moverInfo() *moverCache {
	key := p.moverKey()
	if c := p.movers.Load(); c != nil && c.key == key {
		return c
	}
	written := make([]bool, len(p.globals))
	var other rt.ClassSet
	seen := map[*fn]bool{}
	var work []*fn
	add := func(f *fn) {
		if f != nil && !seen[f] {
			seen[f] = true
			work = append(work, f)
		}
	}
	for _, f := range p.threads {
		add(f)
	}
	for _, st := range p.stages {
		add(st.f)
	}
	for _, f := range p.handlers {
		add(f)
	}
	for len(work) > 0 {
		f := work[len(work)-1]
		work = work[:len(work)-1]
		for _, in := range f.code {
			switch in.op {
			case opFnCall:
				add(p.funcs[in.a])
			case opStoreG:
				if int(in.a) < len(written) {
					written[in.a] = true
				}
			case opAddr:
				// &global: a store through the pointer (*p = v) may
				// write it
				if in.b == 1 && int(in.a) < len(written) {
					written[in.a] = true
				}
			case opOpCall, opStoreField:
				n := int32(1)
				if in.op == opStoreField {
					n = in.b
				}
				for _, s := range p.sites[in.a : in.a+n] {
					if u := s.op.Locks; u != nil {
						other |= u.Other
					} else {
						other = rt.AllClasses // undeclared: anything
					}
				}
			case opField:
				if p.names[in.a] == "held" {
					other = rt.AllClasses // a lock's holders, seen by the script
				}
			}
		}
	}
	c := &moverCache{key: key, classes: rt.AllClasses &^ other, written: written}
	p.movers.Store(c)
	return c
}

// leftMoverNext reports whether t's next step is a left mover: a
// release declared as one, of a class in m.movers, of a lock t holds in
// the declared mode (so that it drops it rather than reporting an unlock
// of a lock not held), with only local statements before it.
func (m *Machine) leftMoverNext(t *Thread) bool {
	if m.movers == 0 && !m.allReleases {
		return false
	}
	op, args := m.nextOp(t)
	if op == nil || op.Release == nil {
		return false
	}
	l := op.Release.Lock(args)
	if l == nil || !t.Task.HoldsFor(l, op.Release.Mode) {
		return false
	}
	if m.allReleases {
		return true // the soundness test's deliberately unsound classification
	}
	return op.Release.Mode == rt.Read && m.movers.Has(l.Class)
}

// peekVal is a value nextOp tracks: known, or computed by code it does
// not evaluate.
type peekVal struct {
	v  rt.Value
	ok bool
}

// peekFrame is a frame nextOp follows: a copy of a thread's frame, or one
// entered by a call it followed.
type peekFrame struct {
	f      *fn
	pc     int
	locals []peekVal
	stack  []peekVal
}

// peekScratch is nextOp's memory, reused from peek to peek: the step
// loop allocates nothing (TestStepsDoNotAllocate).
type peekScratch struct {
	frames []peekFrame
	args   []rt.Value
}

// frame returns scratch frame i, emptied, its arrays kept.
func (s *peekScratch) frame(i int) *peekFrame {
	for len(s.frames) <= i {
		s.frames = append(s.frames, peekFrame{})
	}
	f := &s.frames[i]
	f.locals, f.stack = f.locals[:0], f.stack[:0]
	return f
}

// nextOp returns the operation t's next step calls and its arguments,
// when every instruction before the call only moves values between t's
// locals and operand stack (constants, locals, globals no thread assigns,
// discarded results, calls into and returns from script functions,
// jumps): nil when the step may do anything else first, or when its
// arguments are not known without running it. It changes nothing; the
// arguments are valid until the next call.
func (m *Machine) nextOp(t *Thread) (*rt.Op, []rt.Value) {
	if len(t.fr) == 0 {
		return nil, nil
	}
	sc := &m.peek
	// load copies the thread's frame i into scratch frame 0.
	load := func(i int) *peekFrame {
		fr := &t.fr[i]
		if fr.cont != nil {
			return nil
		}
		pf := sc.frame(0)
		pf.f, pf.pc = fr.f, fr.pc
		top := len(t.stack)
		if i+1 < len(t.fr) {
			top = t.fr[i+1].base
		}
		for j, v := range t.stack[fr.base:top] {
			if j < fr.f.nlocals {
				pf.locals = append(pf.locals, peekVal{v, true})
			} else {
				pf.stack = append(pf.stack, peekVal{v, true})
			}
		}
		return pf
	}
	// real: the thread's frame followed when no call is; depth: the
	// calls followed (scratch frames 1..depth).
	real, depth := len(t.fr)-1, 0
	cur := load(real)
	if cur == nil {
		return nil, nil
	}
	p := m.prog
	var info *moverCache
	for n := 0; n < 64; n++ {
		if cur.pc >= len(cur.f.code) {
			return nil, nil
		}
		in := cur.f.code[cur.pc]
		cur.pc++
		switch in.op {
		case opStmt:
		case opConst:
			cur.stack = append(cur.stack, peekVal{p.consts[in.a], true})
		case opLoadL:
			if int(in.a) >= len(cur.locals) {
				return nil, nil
			}
			cur.stack = append(cur.stack, cur.locals[in.a])
		case opLoadG:
			// A global no thread assigns (the mm, the file that
			// set-up made): its read commutes with every step.
			if info == nil {
				info = p.moverInfo()
			}
			if int(in.a) >= len(info.written) || info.written[in.a] {
				return nil, nil
			}
			cur.stack = append(cur.stack, peekVal{m.globals[in.a], true})
		case opPop:
			if len(cur.stack) == 0 {
				return nil, nil
			}
			cur.stack = cur.stack[:len(cur.stack)-1]
		case opJmp:
			cur.pc = int(in.b)
		case opOpCall:
			site := p.sites[in.a]
			if len(cur.stack) < site.nargs {
				return nil, nil
			}
			sc.args = sc.args[:0]
			for _, x := range cur.stack[len(cur.stack)-site.nargs:] {
				if !x.ok {
					return nil, nil
				}
				sc.args = append(sc.args, x.v)
			}
			return site.op, sc.args
		case opFnCall:
			callee := p.funcs[in.a]
			if callee.path || len(cur.stack) < int(in.b) {
				return nil, nil // a kernel path records itself on entry
			}
			base := len(cur.stack) - int(in.b)
			depth++
			next := sc.frame(depth)
			cur = &sc.frames[depth-1] // frame may have grown the slice
			next.f, next.pc = callee, 0
			next.locals = append(next.locals, cur.stack[base:]...)
			for len(next.locals) < callee.nlocals {
				next.locals = append(next.locals, peekVal{rt.Nil, true})
			}
			cur.stack = cur.stack[:base]
			cur = next
		case opRet, opRetNil:
			if cur.f.path {
				return nil, nil
			}
			v := peekVal{rt.Nil, true}
			if in.op == opRet {
				if len(cur.stack) == 0 {
					return nil, nil
				}
				v = cur.stack[len(cur.stack)-1]
			}
			if depth > 0 {
				depth--
				cur = &sc.frames[depth]
			} else {
				real--
				if real < 0 {
					return nil, nil // the thread's end
				}
				if cur = load(real); cur == nil {
					return nil, nil
				}
			}
			cur.stack = append(cur.stack, v)
		default:
			return nil, nil
		}
	}
	return nil, nil
}
