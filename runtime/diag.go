package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mmscript/mmscript/lang"
)

// Reaction is what the real kernel does when a rule is broken.
type Reaction uint8

const (
	// BUG: BUG_ON / BUG(): an oops; the task dies holding its locks.
	BUG Reaction = iota + 1
	// WARN: WARN_ON() and the asserts built on it, on every kernel: a
	// splat, execution continues.
	WARN
	// DebugOnly: VM_WARN_ON* / VM_BUG_ON* / CONFIG_DEBUG_ATOMIC_SLEEP checks,
	// compiled in only on debug kernels.
	DebugOnly
	// Unchecked: the kernel has no check; the result is a silent race or a
	// use-after-free.
	Unchecked
	// Lockdep: a lockdep report (lockdep_assert_held(), "possible circular
	// locking dependency", "bad unlock balance", might_lock()), printed
	// only by kernels built with CONFIG_PROVE_LOCKING.
	Lockdep
	// BuildTime: the compiler warns when the code is built (a discarded
	// __must_check result: -Wunused-result), an error with
	// CONFIG_WERROR; nothing is checked when it runs.
	BuildTime
)

// Absent is no reaction: in a rule's history (VersionReaction), a kernel
// in which the rule does not exist, where it is not checked.
const Absent Reaction = 0

func (r Reaction) String() string {
	switch r {
	case BUG:
		return "BUG"
	case WARN:
		return "WARN"
	case DebugOnly:
		return "debug-only"
	case Unchecked:
		return "unchecked"
	case Lockdep:
		return "lockdep"
	case BuildTime:
		return "build-time"
	}
	return "none"
}

// MarshalText makes Reaction print as its name in JSON.
func (r Reaction) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// DiagKind classifies a diagnostic.
type DiagKind uint8

const (
	// Violation: a rule was broken; the thread continues (or, for a BUG, stops).
	Violation DiagKind = iota + 1
	// Deadlock: every live thread waits.
	Deadlock
	// Error: the script itself is wrong (bad argument, failed assert, step limit).
	Error
)

func (k DiagKind) String() string {
	switch k {
	case Violation:
		return "violation"
	case Deadlock:
		return "deadlock"
	case Error:
		return "error"
	}
	return "?"
}

// MarshalText makes DiagKind print as its name in JSON.
func (k DiagKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Related is a second position that explains a diagnostic ("taken here").
type Related struct {
	Pos lang.Pos `json:"pos"`
	Msg string   `json:"msg"`
}

// ScriptLine is the line of the script a finding belongs to: its own line,
// or, for a finding inside the kernel library (kernel/munmap.mms), the
// script's line that called into the library, so that a script's
// `expect ... at LINE` names its own call.
func (d *Diagnostic) ScriptLine() int {
	if d.Caller.IsValid() {
		return d.Caller.Line // the innermost script line (a handler's, inside a path)
	}
	if !strings.HasPrefix(d.Pos.Filename, "kernel/") {
		return d.Pos.Line
	}
	for _, r := range d.Related {
		if !strings.HasPrefix(r.Pos.Filename, "kernel/") && strings.HasSuffix(r.Msg, "() called here") {
			return r.Pos.Line
		}
	}
	return d.Pos.Line
}

// Diagnostic is one finding: a broken rule, a deadlock or a script error.
type Diagnostic struct {
	Kind     DiagKind  `json:"kind"`
	Pos      lang.Pos  `json:"pos"`
	Rule     string    `json:"rule"`             // rule id, e.g. "vm_insert_page/not-mixedmap"
	Msg      string    `json:"message"`          // what is wrong
	Source   string    `json:"source,omitempty"` // kernel function or process_addrs.rst section
	Kernel   Reaction  `json:"kernel,omitempty"` // what the real kernel does
	Fatal    bool      `json:"fatal,omitempty"`  // the thread stopped here (a BUG)
	Thread   string    `json:"thread,omitempty"`
	Related  []Related `json:"related,omitempty"`
	Schedule string    `json:"schedule,omitempty"` // the schedule that reached a deadlock
	// Caller is, for a finding inside the kernel library (Pos in
	// kernel/*.mms), the script line that called into the library: the
	// line a user's `expect ... at LINE` names.
	Caller lang.Pos `json:"caller,omitempty"`

	// Path is the call path through handlers to the failing call, outermost
	// first: the script's operation, the kernel function that called a
	// handler, the handler, and so on ("touch", "handle_mm_fault",
	// "drv.fault", "vm_insert_page").
	Path []string `json:"path,omitempty"`
	// Held lists the locks Thread held when the finding was made, in
	// acquisition order (lockdep_print_held_locks()).
	Held []HeldLock `json:"held,omitempty"`
	// Lockdep details a lockdep splat: the lock being taken, the held one it
	// conflicts with and, for a circular dependency, the existing chain.
	Lockdep *LockdepSplat `json:"lockdep,omitempty"`
	// Waiters describes each thread of a deadlock: what it waits for, who
	// holds that, and what it holds itself.
	Waiters []Waiter `json:"waiters,omitempty"`
	// Atomic is the context of a sleep in atomic context, as
	// __might_resched() prints it.
	Atomic *AtomicContext `json:"atomic,omitempty"`
}

// AtomicContext is what __might_resched() (kernel/sched/core.c) reports
// about a task that may sleep where it must not: its preemption count
// (one per spinlock held: spin_lock disables preemption) and its RCU
// read-side nesting (a CONFIG_PREEMPT_RCU kernel counts it apart).
type AtomicContext struct {
	PID          int `json:"pid"`
	PreemptCount int `json:"preempt_count"`
	RCUDepth     int `json:"rcu_depth"`
	IRQsDisabled int `json:"irqs_disabled"`
	// Check is the rule whose kernel check saw it: __might_resched()
	// (lock/sleep-in-atomic), schedule_debug(), rcu_note_context_switch()
	// or nothing (sched/schedule-irqs-off); each prints its own report.
	Check string `json:"check"`
}

// HeldLock is one lock a thread holds or waits for, named as lockdep names
// it: the instance the script knows ("m->mmap_lock"), its lock class
// ("&mm->mmap_lock"), and how it is held: "read" or "write" for a
// reader/writer lock, nothing for a mutex or spinlock, which have one mode.
type HeldLock struct {
	Lock  string   // the instance, e.g. "m->mmap_lock" or "drv_lock"
	Class string   // lockdep's class name, e.g. "&mm->mmap_lock" or "drv_lock"
	Mode  string   // "read", "write", or "" for an exclusive lock
	Pos   lang.Pos // where it was taken (or where the thread waits for it)
	Try   bool     // taken by a trylock

	seq uint64 // when, in the run's order of lock events
}

// LockdepSplat is the structure of a lockdep report (print_circular_bug,
// print_deadlock_bug in kernel/locking/lockdep.c).
type LockdepSplat struct {
	// Kind is which report: SplatCircular (print_circular_bug),
	// SplatRecursive (print_deadlock_bug), SplatUnlock
	// (print_unlock_imbalance_bug) or SplatExit (lockdep_sys_exit).
	Kind string
	// Title is lockdep's headline, e.g. "possible circular locking
	// dependency detected".
	Title string
	// Acquire is the lock the thread is trying to acquire (for SplatUnlock,
	// to release; for SplatExit, the lock still held); Holding is the held
	// lock it conflicts with (circular and recursive only).
	Acquire, Holding HeldLock
	// Chain is the existing dependency chain, from the lock being taken to
	// the held one (lockdep prints it in reverse); empty for recursion.
	Chain []Dependency
}

// Dependency is one edge of lockdep's graph: To was taken while From was
// held, at Pos by Thread, or it is the documented order lockdep has learnt
// long before a script runs.
type Dependency struct {
	From, To   string // class names
	Pos        lang.Pos
	Thread     string
	Path       []string // Thread's call path where it made the edge
	Documented bool     // seeded from the order in mm/rmap.c, not seen in this run
}

// Waiter is one thread of a deadlock.
type Waiter struct {
	Thread  string
	CPU     int
	Waits   HeldLock   // the lock it is queued on; Pos is where it blocks
	Holders []string   // who holds that lock, and who is queued ahead
	Held    []HeldLock // what the thread holds itself
	Path    []string   // its call path, as Diagnostic.Path
}

// MarshalJSON writes positions as "file:line:col" strings, the form every
// other tool prints.
func (d *Diagnostic) MarshalJSON() ([]byte, error) {
	type related struct {
		Pos string `json:"pos,omitempty"`
		Msg string `json:"message"`
	}
	rel := make([]related, len(d.Related))
	for i, r := range d.Related {
		rel[i].Msg = r.Msg
		if r.Pos.IsValid() {
			rel[i].Pos = r.Pos.String()
		}
	}
	var callPath string
	if len(d.Path) > 0 {
		callPath = FormatPath(d.Thread, d.Path)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "->" in lock names stays readable
	err := enc.Encode(struct {
		Kind     DiagKind       `json:"kind"`
		Pos      string         `json:"pos"`
		File     string         `json:"file"`
		Line     int            `json:"line"`
		Col      int            `json:"col"`
		Rule     string         `json:"rule"`
		Msg      string         `json:"message"`
		Source   string         `json:"source,omitempty"`
		Kernel   Reaction       `json:"kernel,omitempty"`
		Fatal    bool           `json:"fatal,omitempty"`
		Thread   string         `json:"thread,omitempty"`
		Related  []related      `json:"related,omitempty"`
		Schedule string         `json:"schedule,omitempty"`
		Path     []string       `json:"path,omitempty"`
		CallPath string         `json:"call_path,omitempty"`
		Held     []HeldLock     `json:"held,omitempty"`
		Lockdep  *LockdepSplat  `json:"lockdep,omitempty"`
		Waiters  []Waiter       `json:"waiters,omitempty"`
		Atomic   *AtomicContext `json:"atomic,omitempty"`
	}{d.Kind, d.Pos.String(), d.Pos.Filename, d.Pos.Line, d.Pos.Column, d.Rule, d.Msg, d.Source, d.Kernel,
		d.Fatal, d.Thread, rel, d.Schedule, d.Path, callPath, d.Held, d.Lockdep, d.Waiters, d.Atomic})
	return bytes.TrimRight(buf.Bytes(), "\n"), err
}

// String prints the diagnostic like a compiler error:
//
//	file:line:col: rule: message (source; kernel: BUG)
//		file:line:col: related message
func (d *Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.Pos.String())
	b.WriteString(": ")
	if d.Rule != "" {
		b.WriteString(d.Rule)
		b.WriteString(": ")
	}
	b.WriteString(d.Msg)
	switch {
	case d.Source != "" && d.Kernel != 0:
		fmt.Fprintf(&b, " (%s; kernel: %s)", d.Source, d.Kernel)
	case d.Source != "":
		fmt.Fprintf(&b, " (%s)", d.Source)
	case d.Kernel != 0:
		fmt.Fprintf(&b, " (kernel: %s)", d.Kernel)
	}
	for _, r := range d.Related {
		if r.Pos.IsValid() {
			fmt.Fprintf(&b, "\n\t%s: %s", r.Pos, r.Msg)
		} else {
			fmt.Fprintf(&b, "\n\tnote: %s", r.Msg)
		}
	}
	if d.Schedule != "" {
		fmt.Fprintf(&b, "\n\tschedule: %s", d.Schedule)
	}
	return b.String()
}

// SortDiagnostics orders diagnostics by position, then rule, for stable output.
func SortDiagnostics(ds []*Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Pos != b.Pos {
			return a.Pos.Before(b.Pos)
		}
		return a.Rule < b.Rule
	})
}

// PrintDiagnostics writes the findings as a Printer does, without colour
// and without the closing count.
func PrintDiagnostics(w io.Writer, ds []*Diagnostic) {
	p := NewPrinter(w, false)
	for _, d := range ds {
		p.Print(d)
	}
}

// WriteJSON writes the diagnostics as a JSON array, for machines.
func WriteJSON(w io.Writer, ds []*Diagnostic) error {
	if ds == nil {
		ds = []*Diagnostic{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(ds)
}
