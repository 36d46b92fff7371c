package runtime

import (
	"slices"
	"sort"
	"strings"

	"github.com/mmscript/mmscript/lang"
)

// This file gathers, when a finding is made, the thread state a report
// shows: the locks held, in lockdep's notation, and the call path through
// handlers.

// callFrame is an operation that called a script handler and waits for it
// to return.
// A frame with path set is instead a function of the kernel library the
// task is in (kernellib.go), called at pos.
type callFrame struct {
	call    *Call
	handler string // e.g. "drv.fault"
	path    string // e.g. "munmap"
	pos     lang.Pos
}

// EnterPath records that the task entered the kernel-library function
// name, called at pos, for call paths; LeavePath, that it returned.
func (t *Task) EnterPath(name string, pos lang.Pos) {
	t.calls = append(t.calls, callFrame{path: name, pos: pos})
}

// ScriptPos is where a script error at at is reported: at, or, inside
// the kernel library, the script's own line that called the path (the
// error is the script's: a bad argument it passed on).
func (t *Task) ScriptPos(at lang.Pos) lang.Pos {
	if !strings.HasPrefix(at.Filename, "kernel/") {
		return at
	}
	for _, f := range t.calls {
		if f.path != "" {
			return f.pos
		}
	}
	return at
}

// LeavePath undoes the innermost EnterPath.
func (t *Task) LeavePath() {
	if n := len(t.calls); n > 0 && t.calls[n-1].path != "" {
		t.calls = t.calls[:n-1]
	}
}

// pathCalls returns, for a finding inside the kernel library, where each
// kernel-library function the task is in was called: the first is the
// script's own line.
func (t *Task) pathCalls(at lang.Pos) []Related {
	if !strings.HasPrefix(at.Filename, "kernel/") {
		return nil
	}
	var rel []Related
	for _, f := range t.calls {
		if f.path != "" {
			rel = append(rel, Related{f.pos, f.path + "() called here"})
		}
	}
	return rel
}

// scriptCaller returns, for a position inside the kernel library, the
// innermost script position (a thread's or a handler's line) that called
// into the library; the zero Pos otherwise.
func (t *Task) scriptCaller(at lang.Pos) lang.Pos {
	if !strings.HasPrefix(at.Filename, "kernel/") {
		return lang.Pos{}
	}
	for i := len(t.calls) - 1; i >= 0; i-- {
		if f := t.calls[i]; f.path != "" && !strings.HasPrefix(f.pos.Filename, "kernel/") {
			return f.pos
		}
	}
	return lang.Pos{}
}

// handlerCaller names, per handler slot, the kernel function through which
// an operation reaches the handler, for call paths: a user access reaches
// ->fault through handle_mm_fault() (mm/memory.c), mmap() reaches
// f_op->mmap through mmap_region() (mm/vma.c), a split calls ->open in
// __split_vma(), an unmap calls ->close in remove_vma(), and a page walk
// calls ->pte_entry from walk_page_range() (mm/pagewalk.c).
var handlerCaller = map[string]string{
	"fault":        "handle_mm_fault",
	"map_pages":    "handle_mm_fault",
	"page_mkwrite": "handle_mm_fault",
	"mmap":         "mmap_region",
	"open":         "__split_vma",
	"close":        "remove_vma",
	"pte_entry":    "walk_page_range",
}

// callPath returns the task's call path, outermost first: each operation
// that called a handler, the kernel function between them, the handler;
// then, with current, the operation being executed.
func (t *Task) callPath(current bool) []string {
	var p []string
	for _, f := range t.calls {
		if f.path != "" {
			p = append(p, f.path)
			continue
		}
		op := f.call.Op.Name
		p = append(p, op)
		slot := f.handler[strings.LastIndexByte(f.handler, '.')+1:]
		// A kernel-library path names its functions itself (touch ->
		// ... -> handle_mm_fault -> ... -> __do_fault): the caller is
		// added only where no frame names it.
		if via := handlerCaller[slot]; via != "" && via != op && !slices.Contains(p, via) {
			p = append(p, via)
		}
		p = append(p, f.handler)
	}
	if current && t.cur != nil && (len(t.calls) == 0 || t.calls[len(t.calls)-1].call != t.cur) {
		p = append(p, t.cur.Op.Name)
	}
	return p
}

// FormatPath prints a call path as reports do: "user: touch ->
// handle_mm_fault -> drv.fault".
func FormatPath(thread string, path []string) string {
	s := strings.Join(path, " -> ")
	if thread == "" {
		return s
	}
	if s == "" {
		return thread
	}
	return thread + ": " + s
}

// heldLock describes a hold in lockdep's notation.
func (k *Kernel) heldLock(h *Hold) HeldLock {
	return HeldLock{Lock: h.Lock.Name, Class: k.dep.subName(h.Lock.Class, h.sub), Mode: modeName(h.Lock, h.Mode),
		Pos: h.Pos, Try: h.Try, seq: h.seq}
}

// modeName is how a report names the mode of a hold: reader/writer locks
// have two; a mutex, a spinlock, a folio lock and RCU have one, which
// lockdep does not name.
func modeName(l *Lock, m Mode) string {
	if l.Class == ClassRCU || l.Kind == Spin || l.Kind == BitLock {
		return ""
	}
	return m.String()
}

// heldLocks lists what t holds, in acquisition order.
func (k *Kernel) heldLocks(t *Task) []HeldLock {
	if len(t.holds) == 0 {
		return nil
	}
	hs := make([]HeldLock, len(t.holds))
	for i := range t.holds {
		hs[i] = k.heldLock(&t.holds[i])
	}
	return hs
}

// LockName names a lock for a message: the instance and, when lockdep
// names its class otherwise, the class: "m->mmap_lock (&mm->mmap_lock)",
// "drv_lock".
func (k *Kernel) LockName(l *Lock) string { return k.lockNameSub(l, 0) }

// lockNameSub is LockName of l taken as lockdep subclass sub:
// "child->mmap_lock (&mm->mmap_lock/1)".
func (k *Kernel) lockNameSub(l *Lock, sub uint8) string {
	if c := k.dep.subName(l.Class, sub); c != l.Name {
		return l.Name + " (" + c + ")"
	}
	return l.Name
}

// holdMode is what a message says about how a lock is held: " for read",
// " for write", or nothing for a lock with one mode.
func holdMode(l *Lock, m Mode) string {
	if s := modeName(l, m); s != "" {
		return " for " + s
	}
	return ""
}

// taskByName finds a task by its thread name.
func (k *Kernel) taskByName(name string) *Task {
	for _, t := range k.Tasks {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// waiter describes a blocked task for a deadlock report.
func (k *Kernel) waiter(t *Task) Waiter {
	l, mode, pos := t.WaitingFor()
	w := Waiter{Thread: t.Name, CPU: t.CPU, Held: k.heldLocks(t), Path: t.callPath(true)}
	if l != nil {
		w.Waits = HeldLock{Lock: l.Name, Class: k.dep.subName(l.Class, t.waitSub), Mode: modeName(l, mode), Pos: pos, seq: t.waitSeq}
		for _, h := range holdersOf(l) {
			w.Holders = append(w.Holders, h.holderName())
		}
		for _, q := range l.waiters {
			if q.t == t {
				break
			}
			w.Holders = append(w.Holders, q.t.Name+" (queued)")
		}
	}
	return w
}

// scenarioRow is one line of a deadlock's locking scenario: a thread
// taking a lock, in the order the run did it.
type scenarioRow struct {
	col  int
	lock HeldLock
	wait bool
}

// deadlockScenario returns the events that built a deadlock: each lock a
// waiter holds that another waits for, and each wait, in event order.
func deadlockScenario(ws []Waiter) []scenarioRow {
	wanted := map[string]bool{}
	for _, w := range ws {
		wanted[w.Waits.Lock] = true
	}
	var rows []scenarioRow
	for i, w := range ws {
		for _, h := range w.Held {
			if wanted[h.Lock] {
				rows = append(rows, scenarioRow{i, h, false})
			}
		}
		if w.Waits.Lock != "" {
			rows = append(rows, scenarioRow{i, w.Waits, true})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].lock.seq < rows[j].lock.seq })
	return rows
}

// acquiring describes the lock t is taking, at its current position.
func (k *Kernel) acquiring(t *Task, l *Lock, mode Mode, sub uint8) HeldLock {
	return HeldLock{Lock: l.Name, Class: k.dep.subName(l.Class, sub), Mode: modeName(l, mode), Pos: t.Pos}
}

// modeParen is how a one-line message says how a lock is held: " (read)",
// " (write)", or nothing for a lock with one mode.
func modeParen(l *Lock, m Mode) string {
	if s := modeName(l, m); s != "" {
		return " (" + s + ")"
	}
	return ""
}

// The kinds of lockdep splat.
const (
	SplatCircular  = "circular"  // print_circular_bug()
	SplatRecursive = "recursive" // print_deadlock_bug()
	SplatUnlock    = "unlock"    // print_unlock_imbalance_bug()
	SplatExit      = "exit"      // lockdep_sys_exit()
)

// unlockImbalance gives d, a report of an unlock of a lock t does not hold
// so, lockdep's "bad unlock balance" splat.
func (k *Kernel) unlockImbalance(t *Task, l *Lock, mode Mode, d *Diagnostic) {
	if d != nil {
		d.Lockdep = &LockdepSplat{Kind: SplatUnlock, Title: "bad unlock balance detected!", Acquire: k.acquiring(t, l, mode, 0)}
	}
}
