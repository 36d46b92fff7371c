package runtime

import (
	"fmt"
	"slices"
	"sort"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
)

// Param describes one parameter of an operation.
type Param struct {
	Name     string
	Type     Type
	Words    []string // for TWord: the accepted words (each may be combined with |)
	Optional bool
	Default  Value
	Variadic bool // the last parameter may repeat
	Nilable  bool // nil is accepted (otherwise passing nil is a script error)
	// Any takes a value of any type (a kernel void *private, which
	// mmscript passes along and never reads); a bare word is not one (it
	// binds an MMForm's word parameter instead).
	Any bool
	// Except are the types an Any parameter does not take: a kernel
	// buffer is any value but an mm (copy_from_user(mm, addr, n) is
	// mmscript's form, Op.MMForm).
	Except []Type
	// Hint ends the error for an argument of another type: where
	// mmscript's form differs from the kernel's (set_pmd_at maps a new
	// folio; the kernel's set_pmd_at(mm, addr, pmd, entry) of an old
	// entry is set_huge_pmd_at), what to call instead.
	Hint string
	// LockedOut marks the kernel's int *locked of GUP: a variable given
	// for it is set, when the call returns, to whether the caller still
	// holds the mm's mmap lock (the kernel's *locked = 0 when a fault
	// dropped it).
	LockedOut bool
	// Ref marks an int or a bool the kernel takes by pointer, read and
	// written (vm_insert_pages()'s unsigned long *num: in, the count;
	// out, the pages not inserted; fixup_user_fault()'s bool *unlocked:
	// set when the fault dropped and retook the mmap lock). A script
	// passes a variable as C does, &num. An operation of Go (Fn) reads
	// its value in Args and leaves the value to store there when it is
	// done, and the interpreter stores it into the variable (a Fn that
	// may run again after a grant, grantReenter, writes it last). A
	// kernel path (Path) gets the pointer itself (a TRef value, or nil
	// for NULL where Nilable): its library function tests it as C does,
	// `if unlocked`, and stores through it, `*unlocked = true`.
	Ref bool
	// FromInt converts an int argument of a word parameter to its words
	// (prot=: PROT_READ | PROT_WRITE held in a variable, as C passes it);
	// WordValue converts the words of an int parameter to the int (the
	// prot of mprotect() written rw, as mmap's prot= is). Either way the
	// two forms of one argument mean the same.
	FromInt   func(int64) (string, bool)
	WordValue func(string) (int64, bool)
}

// TakesAny reports whether p, an Any parameter, takes a value of type t.
func (p Param) TakesAny(t Type) bool {
	return p.Any && !slices.Contains(p.Except, t)
}

// Op is a kernel operation a script can call.
type Op struct {
	Name   string
	Params []Param
	Result Type // what it returns (TNil for nothing)
	API    *API // its rule-book entry
	Doc    string
	Fn     func(c *Call) Result
	// Path marks an operation that is a kernel path of the kernel
	// library (kernel/*.mms, KernelLibrary): Fn is nil, and the
	// interpreter binds a call's arguments to Params as for any
	// operation, then calls the library function of the same name (or
	// the script's own function of that name, which overrides it).
	Path bool
	// Func is the kernel library function a Path operation calls (its
	// Name when empty): an MMForm's is mmscript's own, since its name is
	// the kernel function's.
	Func string
	// MMForm is mmscript's own form of an operation the kernel names
	// alike, kept for the scripts written for it: the mm first where the
	// kernel's function works on current->mm, a count as pages= and an
	// array as array= (get_user_pages(mm, addr, pages=N, write=W,
	// array=A) beside the kernel's get_user_pages(start, nr_pages,
	// gup_flags, pages)). It is in no table of its own; the compiler
	// binds a call to it when the call does not fit Params (interp:
	// pickForm), and it shares the operation's rule-book entry.
	MMForm *Op
	// Consistent checks arguments that say one thing twice (a length as
	// size= and pages=): "" when they agree, else the error, which the
	// interpreter reports at the call as it does a wrong argument type.
	// defOp sets it for the size/pages pair and for a prot= of words.
	Consistent func(args []Value) string
	// Touches declares what a step of the operation reads and writes
	// besides locks, for the explorer's partial-order reduction
	// (footprint.go); defOp fills it from opFootprints when unset.
	Touches func(c *Call, f *Footprint)
	// Yields marks an operation that gives up the CPU and nothing else
	// (msleep): a script calls it to let the other threads run, so it
	// ends its thread's turn although it touches nothing another thread
	// can see (interp's Machine.turn merges such steps otherwise). The
	// explorer's reduction still takes it as independent of every step.
	Yields bool
	// Locks declares which lock classes a step may use and how, Release
	// that the step only drops a hold of the caller's (movers.go): what
	// the interpreter needs to merge a release into the step before it.
	// Nil Locks: every class, every way.
	Locks   *LockUse
	Release *Release
	// Removed is a parameter the kernel's function had before a change
	// (GUP's vmas array before 6.5): a call that passes it binds on the
	// kernels before the change, and fails on the others (interp).
	Removed *RemovedParam
}

// RemovedParam is a parameter an operation had before Change removed it:
// At is its index in the older signature. The argument is accepted only
// as NULL (nil): what the kernel filled in through it is not modelled,
// and Note says what callers did instead after the change.
type RemovedParam struct {
	At     int
	Name   string
	Change KernelChange
	Note   string
}

// Status says how an operation step ended.
type Status uint8

const (
	// Done: the operation finished; Result.Value is its value.
	Done Status = iota
	// Blocked: the task waits for a lock; run Next once it holds it.
	Blocked
	// CallHandler: run the script handler, then Next with its return value in Call.Ret.
	CallHandler
	// Failed: the script is wrong (Result.Err); the thread stops.
	Failed
)

// Cont continues an operation after a wait or a handler call.
type Cont func(c *Call) Result

// Result is the outcome of one atomic step of an operation.
type Result struct {
	Status  Status
	Value   Value
	Next    Cont
	Handler *Handler
	Args    []Value
	Desc    string // what the handler is, e.g. "fault handler drv.fault"
	Err     error
}

// Call is one invocation of an operation by a task.
type Call struct {
	Pos  lang.Pos // where the script called the operation
	K    *Kernel
	T    *Task
	Op   *Op
	Args []Value // bound to Op.Params, defaults filled in
	Ret  Value   // the value the last handler returned
	// RetPos is where that handler returned (its return statement or
	// closing brace), for checks made on its return.
	RetPos lang.Pos
	// AsKernel marks a call the kernel library makes, or a field store
	// written as C writes it (vma.vm_flags = flags): on a kernel older
	// than the operation (opHistory) it runs as that kernel ran the
	// step, where a script's own call fails naming the change.
	AsKernel bool

	waiting func() Result // what lock runs once a blocked acquisition is granted

	// A call blocked in lockThen: what it does once granted, as data.
	dataWait  bool
	waitThen  afterGrant
	waitValue Value
	// reentered is true while the operation runs again from its start
	// after a grant (grantReenter); reenterValue is then the value given
	// to lockThen (which lock it now holds, when its arguments do not say).
	reentered    bool
	reenterValue Value
}

// WaitIsData reports whether the call waits (or was granted and has not
// resumed) in a lock primitive whose continuation is data (lockThen): the
// call record, its task's wait and the kernel state are all of its state,
// and no Go closure holds any of it. The explorer fingerprints such a
// state; a call waiting in Call.lock holds a closure and is unhashable.
func (c *Call) WaitIsData() bool { return c.dataWait && c.waiting == nil }

// Handler is a script function the runtime calls (a vm_operations_struct
// member, f_op->mmap, a page-walk callback). Impl belongs to the
// interpreter.
type Handler struct {
	Name   string // e.g. "drv.fault"
	Params int
	Impl   any
}

// Ops is a script's `ops` block: a vm_operations_struct plus f_op->mmap.
type Ops struct {
	Name        string
	Fault       *Handler
	MapPages    *Handler
	PageMkwrite *Handler
	PfnMkwrite  *Handler // ->pfn_mkwrite: a special (VM_PFNMAP/VM_MIXEDMAP) PTE about to become writable
	HugeFault   *Handler // ->huge_fault(vmf, order): a PMD-sized fault of a VM_HUGEPAGE VMA (create_huge_pmd, wp_huge_pmd)
	Open        *Handler
	Close       *Handler
	// MaySplit, Mprotect and Mremap are hooks that may refuse a VMA
	// change, under the mmap write lock: __split_vma() and
	// do_mprotect_pkey() call the first two before the change they allow,
	// copy_vma_and_data() the third after the move, which it undoes on a
	// refusal.
	MaySplit    *Handler // ->may_split(vma, addr)
	Mprotect    *Handler // ->mprotect(vma, start, end, newflags)
	Mremap      *Handler // ->mremap(new_vma)
	Mmap        *Handler // f_op->mmap
	MmapPrepare *Handler // f_op->mmap_prepare: sees a vm_area_desc before the VMA exists
	PteEntry    *Handler // mm_walk_ops.pte_entry
	// WalkLock is mm_walk_ops.walk_lock, the lock the page walkers
	// assert and take (PGWALK_RDLOCK, the zero value, to
	// PGWALK_VMA_RDLOCK_VERIFY). The kernel's ops are static const, the
	// mode set in the initializer (`.walk_lock = PGWALK_WRLOCK`); a
	// script sets it at the top level, `walk_ops.walk_lock =
	// PGWALK_WRLOCK`, which the compiler stores before any run.
	WalkLock int64
}

func (o *Ops) String() string { return o.Name }

// HandlerSlots are the handler names an ops block may define, with their
// parameters, so the interpreter can check a script's ops blocks.
var HandlerSlots = map[string][]string{
	"fault":        {"vmf"},
	"map_pages":    {"vmf", "start_pgoff", "end_pgoff"},
	"page_mkwrite": {"vmf"},
	"pfn_mkwrite":  {"vmf"},
	"huge_fault":   {"vmf", "order"},
	"open":         {"vma"},
	"close":        {"vma"},
	"may_split":    {"vma", "addr"},
	"mprotect":     {"vma", "start", "end", "newflags"},
	"mremap":       {"vma"},
	"mmap":         {"file", "vma"},
	"mmap_prepare": {"desc"},
	"pte_entry":    {"addr", "pfn"},
}

// slot returns the field that holds the handler named name, or nil.
func (o *Ops) slot(name string) **Handler {
	switch name {
	case "fault":
		return &o.Fault
	case "map_pages":
		return &o.MapPages
	case "page_mkwrite":
		return &o.PageMkwrite
	case "pfn_mkwrite":
		return &o.PfnMkwrite
	case "huge_fault":
		return &o.HugeFault
	case "open":
		return &o.Open
	case "close":
		return &o.Close
	case "may_split":
		return &o.MaySplit
	case "mprotect":
		return &o.Mprotect
	case "mremap":
		return &o.Mremap
	case "mmap":
		return &o.Mmap
	case "mmap_prepare":
		return &o.MmapPrepare
	case "pte_entry":
		return &o.PteEntry
	}
	return nil
}

// SetHandler installs h in the slot named name (a key of HandlerSlots).
func (o *Ops) SetHandler(name string, h *Handler) bool {
	p := o.slot(name)
	if p == nil {
		return false
	}
	*p = h
	return true
}

var ops = map[string]*Op{}

func defOp(o *Op) *Op {
	if _, dup := ops[o.Name]; dup {
		panic("runtime: duplicate op " + o.Name) // a programming error, caught by every test run
	}
	if o.Touches == nil {
		o.Touches = opFootprints[o.Name]
	}
	if o.Consistent == nil {
		o.Consistent = consistencyCheck(o)
	}
	if o.Locks == nil {
		o.Locks = opLocks[o.Name]
	}
	// Every call records itself as the task's current operation, for
	// the call path of reports. On a kernel older than the operation
	// (opHistory) the call runs as that kernel ran it, or fails.
	if fn := o.Fn; fn != nil {
		name := o.Name
		o.Fn = func(c *Call) Result {
			c.T.cur = c
			if c.K.Config.Version != Mainline {
				if h, ok := opHistory[name]; ok && c.K.Config.Version.Before(h.Since.Version) {
					return h.older(c, fn)
				}
			}
			return fn(c)
		}
	}
	ops[o.Name] = o
	return o
}

// MissingIn returns, for an operation the kernel v does not have, why and
// what v's callers did instead; "" when v has it. A kernel path's call
// (Op.Path) is checked by the interpreter with it; other operations
// check themselves (defOp).
func (o *Op) MissingIn(v KernelVersion) string {
	if v == Mainline {
		return ""
	}
	if h, ok := opHistory[o.Name]; ok && v.Before(h.Since.Version) {
		return h.missing(o.Name, v)
	}
	return ""
}

// ParamsIn returns the parameters o takes in kernel v: an older
// signature where the kernel's changed (opHistory's Params), else Params.
func (o *Op) ParamsIn(v KernelVersion) []Param {
	if v != Mainline {
		if h, ok := opHistory[o.Name]; ok && h.Params != nil && v.Before(h.Since.Version) {
			return h.Params
		}
	}
	return o.Params
}

// LibFunc is the kernel library function a Path operation calls.
func (o *Op) LibFunc() string {
	if o.Func != "" {
		return o.Func
	}
	return o.Name
}

// LookupOp finds an operation by its kernel name.
func LookupOp(name string) *Op { return ops[name] }

// OpNames lists every operation, sorted.
func OpNames() []string {
	var names []string
	for n := range ops {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// done returns a finished result.
func done(v Value) Result { return Result{Status: Done, Value: v} }

var ok = Result{Status: Done}

// fail reports a script error.
func fail(format string, args ...any) Result {
	return Result{Status: Failed, Err: fmt.Errorf(format, args...)}
}

// lock takes l for the task and continues with k once it holds it.
func (c *Call) lock(l *Lock, mode Mode, k func() Result) Result {
	if c.T.Acquire(l, mode) {
		return k()
	}
	// A call waits for one lock at a time: keep k in the call rather
	// than in a new closure, so contention allocates nothing.
	c.waiting = k
	return Result{Status: Blocked, Next: resumeWaiting}
}

// afterGrant is what a lock primitive does once its lock is granted
// (lockThen), named rather than kept in a closure.
type afterGrant uint8

const (
	// grantDone finishes with the call's waitValue.
	grantDone afterGrant = iota
	// grantMMLockSeqBegin is mmap_write_lock's mm_lock_seqcount_begin on
	// the mm of the call's first argument, then finishes.
	grantMMLockSeqBegin
	// grantMMLockSeqBeginLock is grantMMLockSeqBegin for the mm whose
	// mmap lock the call's first argument is (down_write(&mm->mmap_sem)).
	grantMMLockSeqBeginLock
	// grantReenter runs the operation again from its start, with
	// Call.reentered set: for an operation that takes a series of locks
	// before anything else and, run again, goes on after those it holds
	// (vms_gather_munmap_vmas), so that what is left to do is computed
	// from its arguments and the kernel state rather than kept in a
	// closure.
	grantReenter
)

// lockThen takes l for the task and finishes the operation with v once it
// holds it, after then. It is lock for a primitive whose rest is fixed
// (a lock operation): a call waiting here keeps no Go closure, so the
// state in which it waits can be fingerprinted (WaitIsData).
func (c *Call) lockThen(l *Lock, mode Mode, then afterGrant, v Value) Result {
	if c.T.Acquire(l, mode) {
		return c.afterGrant(then, v)
	}
	c.dataWait, c.waitThen, c.waitValue = true, then, v
	return Result{Status: Blocked, Next: resumeData}
}

// resumeData continues a call that waited in lockThen.
func resumeData(c *Call) Result {
	then, v := c.waitThen, c.waitValue
	c.dataWait, c.waitThen, c.waitValue = false, grantDone, Nil
	return c.afterGrant(then, v)
}

func (c *Call) afterGrant(then afterGrant, v Value) Result {
	switch then {
	case grantMMLockSeqBegin:
		c.K.mmLockSeqBump(c.mm(0))
	case grantMMLockSeqBeginLock:
		c.K.mmLockSeqBump(c.K.mmOfMmapLock(c.Args[0].Obj.(*Lock)))
	case grantReenter:
		c.reentered, c.reenterValue = true, v
		r := c.Op.Fn(c)
		c.reentered, c.reenterValue = false, Nil
		return r
	}
	return done(v)
}

// resumeWaiting continues a call whose lock was granted.
func resumeWaiting(c *Call) Result {
	k := c.waiting
	c.waiting = nil
	return k()
}

// unlock releases a lock the operation itself took.
func (c *Call) unlock(l *Lock, mode Mode) { c.T.Release(l, mode) }

// call runs handler h with args, then k with its return value.
func (c *Call) call(h *Handler, desc string, args []Value, k func(ret Value) Result) Result {
	c.T.calls = append(c.T.calls, callFrame{call: c, handler: h.Name})
	return Result{Status: CallHandler, Handler: h, Args: args, Desc: desc,
		Next: func(c *Call) Result {
			c.T.calls = c.T.calls[:len(c.T.calls)-1]
			c.T.cur = c
			return k(c.Ret)
		}}
}

// seq runs step(i, next) for i in [0, n) one after the other, each of
// which may block or call handlers, then k. A step continues by returning
// next() (in tail position). Steps that finish at once are run in a loop,
// not by recursion, so long sequences do not grow the Go stack; only a step
// that blocked or called a handler resumes through its continuation.
func seq(n int, step func(i int, next func() Result) Result, k func() Result) Result {
	if n == 0 {
		// Nothing to run: no loop closure (the common case of the
		// callers' lists, the allocation locks of tables that exist).
		return k()
	}
	s := &seqRun{n: n, step: step, k: k}
	s.nextFn = s.next
	return s.run(0)
}

// seqRun is a seq under way: one object and one continuation for the
// whole sequence (a closure and two variables per step were a tenth of
// the objects an explored run allocated). One step runs at a time: the
// next starts only from the current one's continuation.
type seqRun struct {
	n, cur int
	step   func(i int, next func() Result) Result
	k      func() Result
	nextFn func() Result // s.next, made once
	// inline is set while step cur runs synchronously, advanced once it
	// has continued within that call.
	inline, advanced bool
}

func (s *seqRun) run(start int) Result {
	for i := start; i < s.n; i++ {
		s.cur, s.inline, s.advanced = i, true, false
		r := s.step(i, s.nextFn)
		s.inline = false
		if !s.advanced {
			return r
		}
	}
	return s.k()
}

// next continues after step cur: at once within the step's own call (the
// loop goes on), or from its continuation once it blocked or called a
// handler.
func (s *seqRun) next() Result {
	if s.inline {
		s.advanced = true
		return Result{Status: stepped}
	}
	return s.run(s.cur + 1)
}

// stepped marks a seq step that continued synchronously; it never leaves seq.
const stepped Status = 255

// Argument accessors. The interpreter has checked types against Params.

func (c *Call) mm(i int) *MM {
	m := c.Args[i].Obj.(*MM)
	// Whether the struct is alive is a read of mm_count, whatever else
	// the step declares: without it a lock operation on the mm commuted
	// with the mmdrop() that frees it, and the search saw the use after
	// the free at one place only (the first use differs by the order).
	c.K.fp.mmCount(m.Core, false)
	if m.freed {
		c.mmFreed(m) // after the last mmdrop() (kernel_mmcount.go)
	}
	return m
}
func (c *Call) file(i int) *File { return c.Args[i].Obj.(*File) }
func (c *Call) page(i int) *mmcore.Page {
	p := c.Args[i].Obj.(*mmcore.Page)
	c.checkPage(p) // a page freed through RCU (rcu.go)
	return p
}
func (c *Call) int(i int) int64        { return c.Args[i].Int }
func (c *Call) bool(i int) bool        { return c.Args[i].Truth() }
func (c *Call) addr(i int) mmcore.Addr { return mmcore.Addr(c.Args[i].Int) }
func (c *Call) word(i int) string {
	if s, ok := c.Args[i].Obj.(string); ok {
		return s
	}
	return ""
}

// vma returns the VMA argument i, reporting a use after munmap.
func (c *Call) vma(i int) *mmcore.VMA {
	v := c.Args[i].Obj.(*mmcore.VMA)
	c.K.checkVMAUse(c.T, c.Args[i], v, c.Op.Name)
	return v
}

func (c *Call) checkAlive(v *mmcore.VMA) { c.K.checkVMAUse(c.T, Obj(TVMA, v), v, c.Op.Name) }
