package runtime

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
)

// Kernel is one simulated machine under the checker: physical memory, the
// mms and files a script made, every task, the lockdep graph, and the
// diagnostics found so far.
type Kernel struct {
	Mem   *mmcore.Memory
	Tasks []*Task
	// Config is the kernel modelled: its version and its build (debug
	// or production). Set it before the run starts.
	Config KernelConfig
	// TaskPool, when set, supplies the task records (see TaskPool).
	TaskPool *TaskPool

	dep *lockdep
	// movers are the classes whose read releases the interpreter merges
	// into the step before them (movers.go).
	movers  ClassSet
	diags   []*Diagnostic
	seen    map[diagKey]bool
	folios  map[*mmcore.Page]*Lock
	rcuLock *Lock
	clock   uint64       // counts lock acquisitions and waits, to order them in reports
	rcu     rcuState     // grace periods and RCU-deferred frees
	pt      pgtableState // detached and freed PTE tables (kernel_pgtable.go)
	files   []*File      // in the order made (a slice: see fileOf)
	fp      *Footprint   // the explorer's step recorder, nil otherwise
	mms     []*MM        // every mm made by NewMM, for the tasks' VMA baselines
	// pins counts the FOLL_PIN pins held on each folio, and unpinned
	// who released a folio's last pin (kernel_gup_pages.go).
	pins map[*mmcore.Page]int
	// uffdCount numbers the userfaultfd contexts made, for their names
	// (kernel_userfaultfd.go).
	uffdCount int
	// failNowait is fail_page_alloc()'s times: the GFP_NOWAIT page
	// allocations still to fail (-1: every one), kernel_zap_break.go.
	failNowait int
	// lostPins are the pins fork shared after its pinned check while
	// their taker had read mm->write_protect_seq: fine if the taker's
	// read_seqcount_retry() fails and it unpins, reported at the unpin
	// otherwise (rule gup/pin-lost-to-cow).
	lostPins map[lostPin]string
	unpinned map[*mmcore.Page]unpinRec
}

type diagKey struct {
	pos    lang.Pos
	caller lang.Pos // a finding inside the kernel library: once per script call site
	rule   string
}

// NewKernel makes an empty machine.
func NewKernel() *Kernel {
	return &Kernel{
		Mem:     mmcore.NewMemory(),
		dep:     newLockdep(),
		seen:    map[diagKey]bool{},
		folios:  map[*mmcore.Page]*Lock{},
		rcuLock: NewLock(ClassRCU, RWSem, "rcu_read_lock"),
	}
}

// MaxScriptLocks is how many lock classes scripts may declare. The
// classes left over are for subclasses (lockdep.classOf): a _nested
// acquisition's class is a class of its own.
const MaxScriptLocks = int(maxClasses-ClassUser) - subclassClasses

// subclassClasses is how many classes are kept for subclasses beyond 0.
const subclassClasses = 12

// NewLockClass allocates the lockdep class of a lock a script declares.
// Callers allocate at most MaxScriptLocks; beyond that it returns the last
// class again (sharing a class can only add reports, never hide one), so
// that the classes kept for subclasses stay free.
func (k *Kernel) NewLockClass(name string) Class {
	n, last := 0, Class(0)
	for i, key := range k.dep.keys {
		if key.sub == 0 {
			n, last = n+1, ClassUser+Class(i)
		}
	}
	if n >= MaxScriptLocks {
		return last
	}
	c, _ := k.dep.newClass(name)
	return c
}

// ScriptLockKind is what a script's lock declaration declares.
type ScriptLockKind uint8

const (
	// ScriptMutex: `mutex NAME`, a struct mutex (sleeping, exclusive).
	ScriptMutex ScriptLockKind = iota
	// ScriptSpinlock: `spinlock NAME`, a spinlock_t.
	ScriptSpinlock
	// ScriptRWSem: `rwsem NAME`, a struct rw_semaphore of the driver's
	// own (init_rwsem(): include/linux/rwsem.h keys a lockdep class per
	// init site), taken with the generic rw_semaphore API (ops_rwsem.go).
	ScriptRWSem
	// ScriptSRCU: `srcu NAME`, a struct srcu_struct (DEFINE_SRCU(),
	// init_srcu_struct(): a lockdep map keyed per init site,
	// include/linux/srcu.h), with srcu_read_lock(), srcu_read_unlock()
	// and synchronize_srcu() (srcu.go).
	ScriptSRCU
	// ScriptBitLock: `bitlock NAME`, a sleeping bit lock lockdep does not
	// see (wait_on_bit_lock(), clear_and_wake_up_bit(): bitlock.go).
	ScriptBitLock
)

// ScriptLockKinds are the declaration words, by kind.
var ScriptLockKinds = [...]string{ScriptMutex: "mutex", ScriptSpinlock: "spinlock", ScriptRWSem: "rwsem", ScriptSRCU: "srcu", ScriptBitLock: "bitlock"}

// ScriptLockKindOf is the kind a declaration word declares.
func ScriptLockKindOf(word string) (ScriptLockKind, bool) {
	for i, w := range ScriptLockKinds {
		if w == word {
			return ScriptLockKind(i), true
		}
	}
	return 0, false
}

// NewScriptLock makes a lock of class c: a mutex (sleeping, exclusive), a
// spinlock, an rw_semaphore, an srcu_struct or a bit lock.
func (k *Kernel) NewScriptLock(c Class, name string, kind ScriptLockKind) *Lock {
	switch kind {
	case ScriptSpinlock:
		return NewLock(c, Spin, name)
	case ScriptRWSem:
		return NewLock(c, RWSem, name)
	case ScriptSRCU:
		l := NewLock(c, SRCU, name)
		l.srcu = &srcuState{}
		return l
	case ScriptBitLock:
		l := NewLock(c, BitLock, name)
		l.nodep = true
		return l
	}
	return NewLock(c, BitLock, name)
}

// NewTask adds a task (a kernel thread).
func (k *Kernel) NewTask(name string) *Task {
	t := k.TaskPool.get()
	t.ID, t.Name, t.CPU, t.k = len(k.Tasks), name, len(k.Tasks), k
	k.Tasks = append(k.Tasks, t)
	k.startTask(t)
	return t
}

// Diagnostics returns what was found, in report order.
func (k *Kernel) Diagnostics() []*Diagnostic { return k.diags }

// Report adds a diagnostic unless the same rule was already reported at the
// same position (a loop reports once). A script error of a thread that
// names no locks gets the thread's held locks and handler path, for the
// report.
func (k *Kernel) Report(d *Diagnostic) {
	key := diagKey{d.Pos, d.Caller, d.Rule + "\x00" + d.Msg}
	if k.seen[key] {
		return
	}
	k.seen[key] = true
	if d.Kind == Error && d.Thread != "" && d.Held == nil && d.Path == nil {
		if t := k.taskByName(d.Thread); t != nil {
			d.Held, d.Path = k.heldLocks(t), t.callPath(false)
			d.Related = append(d.Related, t.pathCalls(d.Pos)...)
		}
	}
	k.diags = append(k.diags, d)
}

// violate reports that t broke rule r at its current position, with the
// locks t holds and its call path. A BUG stops the task: it dies holding
// its locks, as an oops does. It returns the diagnostic, or nil when the
// same one was reported before. The rule is taken as the selected
// kernel has it (inVersion): its reaction there, or nothing at all where
// that kernel has no such rule.
func (k *Kernel) violate(t *Task, r *Rule, msg string, related ...Related) *Diagnostic {
	if r = k.inVersion(r); r == nil {
		return nil // a rule the selected kernel does not have
	}
	d := &Diagnostic{
		Kind:    Violation,
		Pos:     t.Pos,
		Rule:    r.ID,
		Msg:     msg,
		Source:  r.Source,
		Kernel:  r.Kernel,
		Thread:  t.Name,
		Related: related,
	}
	if len(t.Stack) > 0 {
		d.Msg += " (in " + t.Stack[len(t.Stack)-1] + ")"
	}
	d.Related = append(d.Related, t.pathCalls(t.Pos)...)
	d.Caller = t.scriptCaller(t.Pos)
	d.Related = append(d.Related, k.configNote(r, r.Kernel, t.Pos)...)
	if r.Kernel == BUG {
		d.Fatal = true
		if !t.dead {
			t.dead, t.deadAt = true, t.Pos
		}
	}
	if k.seen[diagKey{d.Pos, d.Caller, d.Rule + "\x00" + d.Msg}] {
		return nil
	}
	d.Held, d.Path = k.heldLocks(t), t.callPath(true)
	switch r.ID {
	case ruleSleepInAtomic.ID, ruleSchedAtomic.ID, ruleSchedRCU.ID, ruleSchedIRQsOff.ID:
		d.Atomic = &AtomicContext{PID: t.ID, PreemptCount: t.spins, RCUDepth: t.rcu, IRQsDisabled: t.irqs, Check: r.ID}
	}
	k.Report(d)
	return d
}

// MM is an mm_struct together with its locks.
type MM struct {
	Core          *mmcore.MM
	Name          string
	MmapLock      *Lock
	PageTableLock *Lock
	// coreState is mm->core_state: the thread core-dumping the mm
	// (zap_threads) until coredump_finish, and where it began.
	coreState    *Task
	coreStatePos lang.Pos
	children     int // forks so far, to name the children's mms
	// writeProtectSeq is mm->write_protect_seq: odd while fork's
	// copy_page_range() write-protects the mm's COW pages.
	writeProtectSeq uint64
	// tlbFlushPending is mm->tlb_flush_pending: the mmu_gathers of the
	// mm begun and not finished (inc_tlb_flush_pending in
	// __tlb_gather_mmu, dec_tlb_flush_pending in tlb_finish_mmu).
	tlbFlushPending int
	// changes records, per virtual page some CPU still translates
	// through an entry changed since, which tasks made the changes
	// (NoteChanges): the ordering of inc_tlb_flush_pending() and
	// dec_tlb_flush_pending() is each caller's, about its own changes.
	changes map[mmcore.Addr][]pteChange
	// mmUsers is mm->mm_users: the process's own reference (1 when the
	// mm is made) plus those mmget_not_zero() took; the mmput() that
	// drops it to zero runs exit_mmap() as exitTask.
	mmUsers  int
	exitTask *Task
	// mmCount is mm->mm_count: one reference for all of mm_users (mm_init()
	// sets 1; __mmput() drops it with mmdrop()) plus those mmgrab() took;
	// the mmdrop() that drops it to zero frees the struct (__mmdrop()),
	// where freedAt says (kernel_mmcount.go).
	mmCount int
	freed   bool
	freedAt lang.Pos
	// flags is mm->flags (2026: the bitmap mm_flags_test()/mm_flags_set()
	// read and set, include/linux/mm_types.h): the bits scripts name
	// (MMF_OOM_SKIP, MMF_UNSTABLE), kernel_oom.go.
	flags uint64
	// exitTornDown says exit_mmap() has taken the VMAs out of the tree
	// (its vma_iter_clear_gfp() under the mmap write lock, by exitTask):
	// MMF_OOM_SKIP found clear under the mmap lock keeps the tree only
	// before that, which the kernel's exit_mmap() guarantees by setting
	// the flag first (a script's exit_mmap() may not).
	exitTornDown bool
	// notifiers are the mm's MMU-notifier subscriptions
	// (mm->notifier_subscriptions), mmu_notifier_register(): what
	// mmu_notifier_invalidate_range_start_nonblock() asks, kernel_oom.go.
	notifiers []mmuSubscription
}

func (m *MM) String() string { return m.Name }

// NewMM makes an address space named name.
func (k *Kernel) NewMM(name string) (*MM, error) {
	// CONFIG_MEM_SOFT_DIRTY=y, as distribution kernels build x86-64 (it
	// needs CONFIG_CHECKPOINT_RESTORE): __mmap_complete() and brk set
	// VM_SOFTDIRTY on every new mapping, so paths that test it
	// (clear_refs_write(), vma_wants_writenotify()) run as on those
	// kernels. The fidelity traces' reference kernel had it off; mmcore's
	// trace runs keep that configuration.
	core, err := mmcore.NewMM(mmcore.Config{Memory: k.Mem, SoftDirty: true})
	if err != nil {
		return nil, err
	}
	m := &MM{
		Core:          core,
		Name:          name,
		MmapLock:      NewLock(ClassMmapLock, RWSem, name+"->mmap_lock"),
		PageTableLock: NewLock(ClassPageTableLock, Spin, name+"->page_table_lock"),
		mmUsers:       1,
		mmCount:       1, // mm_init(): atomic_set(&mm->mm_count, 1)
	}
	core.Lock = m
	k.mms = append(k.mms, m)
	return m, nil
}

// mmOf returns the runtime MM of a core MM.
func mmOf(c *mmcore.MM) *MM {
	m, _ := c.Lock.(*MM)
	return m
}

// File is an open file with its mapping's i_mmap_rwsem.
type File struct {
	Core  *mmcore.File
	IMmap *Lock
	// IRwsem is inode->i_rwsem, InvalidateLock mapping->invalidate_lock.
	IRwsem, InvalidateLock *Lock
}

func (f *File) String() string { return f.Core.Name }

// NewFile makes a file of size pages.
func (k *Kernel) NewFile(name string, pages uint64) *File {
	core := mmcore.NewFile(name, pages)
	f := &File{Core: core, IMmap: NewLock(ClassIMmapRwsem, RWSem, name+"->i_mmap_rwsem"),
		IRwsem: NewLock(ClassIRwsem, RWSem, name+"->i_rwsem"), InvalidateLock: NewLock(ClassInvalidateLock, RWSem, name+"->invalidate_lock")}
	core.Mapping().Lock = f.IMmap
	k.files = append(k.files, f)
	return f
}

// fileOf is the file whose page cache as is, or nil. The files are a
// slice, not a map by mapping: a script makes a handful, every
// fingerprint walks them (a map's iteration start cost more than its
// entries), and a walk over them (rmapReachedAt) goes in one order.
func (k *Kernel) fileOf(as *mmcore.AddressSpace) *File {
	if as == nil {
		return nil
	}
	for _, f := range k.files {
		if f.Core.Mapping() == as {
			return f
		}
	}
	return nil
}

func iMmapLock(as *mmcore.AddressSpace) *Lock {
	l, _ := as.Lock.(*Lock)
	return l
}

// VMAState is the per-VMA lock. Its Lock's readers are the vm_refcnt
// readers; its writer is the task that write-locked the VMA in the current
// mmap write section (vm_lock_seq == mm_lock_seq). A writer queued on it
// stands for VM_REFCNT_EXCLUDE_READERS_FLAG: new readers fail while it
// waits for the old ones to drain.
type VMAState struct {
	Lock *Lock
	New  bool // detached because it is being set up (inside f_op->mmap), not because it was unmapped
	mm   *mmcore.MM
	// Policy is vma->vm_policy as an MPOL_* mode (vma_replace_policy).
	Policy int64
	// Closed: vma_close() ran its ->close (the kernel then leaves
	// vma_dummy_vm_ops, so remove_vma() does not close it again).
	Closed bool
	// Gatherer is the task whose munmap (or MAP_FIXED mmap) detached the
	// VMA and has not freed it yet (remove_vma()): to that task it is
	// the munmap's own list, not freed memory.
	Gatherer *Task
	// anonLock is the rwsem of the anon_vma last reached through this
	// VMA (anonVMALock): munmap's unlink_anon_vmas() clears the model's
	// vma->anon_vma, but a use of the freed vm_area_struct reads the
	// stale pointer, so an unlock through it still releases that lock
	// (after the use-after-unmap report).
	anonLock *Lock
}

// vmaState returns (creating on first use) the lock state of v.
func (k *Kernel) vmaState(v *mmcore.VMA) *VMAState {
	if s, ok := v.Lock.(*VMAState); ok {
		return s
	}
	s := &VMAState{Lock: NewLock(ClassVMALock, VMALock, VMAName(v)+"->vm_lock"), mm: v.MM()}
	s.Lock.vma = s
	v.Lock = s
	return s
}

// writeLocked reports whether v is write-locked.
func (k *Kernel) writeLocked(v *mmcore.VMA) bool {
	l := k.vmaState(v).Lock
	if k.fp != nil {
		k.fp.Object(ALock, l, false)
	}
	return l.writer != nil
}

// VMAName is how diagnostics name a VMA.
func VMAName(v *mmcore.VMA) string {
	// fmt.Sprintf("vma[%#x-%#x]", ...) in one allocation: every VMA
	// lock is named at its first use, in every run of the explorer.
	var b [48]byte
	s := append(b[:0], "vma["...)
	s = appendHex(s, uint64(v.Start()))
	s = append(s, '-')
	s = appendHex(s, uint64(v.End()))
	return string(append(s, ']'))
}

// appendHex appends x as %#x formats it.
func appendHex(b []byte, x uint64) []byte {
	return strconv.AppendUint(append(b, "0x"...), x, 16)
}

// FolioLockName is the name of the folio lock of the page with this PFN:
// the explorer's symmetry reduction renames it with the page.
func FolioLockName(pfn mmcore.PFN) string {
	var b [32]byte
	return string(append(appendHex(append(b[:0], folioLockPrefix...), uint64(pfn)), ')'))
}

// folioLockPrefix begins every folio lock's name (FolioLockName).
const folioLockPrefix = "folio(pfn "

// folioLock returns the folio lock of p.
func (k *Kernel) folioLock(p *mmcore.Page) *Lock {
	l := k.folios[p]
	if l == nil {
		l = NewLock(ClassFolioLock, BitLock, FolioLockName(p.PFN))
		k.folios[p] = l
	}
	return l
}

// ExitTask checks a task that finished: every lock it still holds is a
// leak (lockdep: "lock held when returning to user space").
func (k *Kernel) ExitTask(t *Task, end lang.Pos) {
	if t.dead {
		return
	}
	saved := t.Pos
	t.Pos = end
	t.cur = nil // the thread has returned from every operation
	for _, h := range t.holds {
		if h.Lock.Class == ClassVMALock && h.Mode == Write {
			continue // ends with the mmap write lock, reported for that
		}
		if h.Lock.Class == ClassFolioLock || h.Lock.nodep {
			// PG_locked has no lockdep map and no owner: a folio locked
			// for I/O is unlocked by the completion (folio_unlock() from
			// any thread). A leaked one shows as the next locker's hang.
			continue
		}
		if d := k.violate(t, ruleHeldAtExit, fmt.Sprintf("thread %s exits holding %s%s", t.Name, h.Lock.Name, modeParen(h.Lock, h.Mode)),
			Related{h.Pos, "taken here"}); d != nil {
			d.Lockdep = &LockdepSplat{Kind: SplatExit, Title: "lock held when returning to user space!", Acquire: k.heldLock(&h)}
		}
	}
	k.gathersAtExit(t)
	k.checkPagefaultUserReturn(t, "thread "+t.Name+" exits")
	k.checkKthreadExit(t)
	t.Pos = saved
}

// DeadlockReport describes a wait-for cycle among blocked tasks.
func (k *Kernel) DeadlockReport(blocked []*Task, schedule string) *Diagnostic {
	sort.Slice(blocked, func(i, j int) bool { return blocked[i].ID < blocked[j].ID })
	var parts []string
	var rel []Related
	var ws []Waiter
	for _, t := range blocked {
		l, mode, pos := t.WaitingFor()
		if l == nil {
			continue
		}
		ws = append(ws, k.waiter(t))
		holders := lockHolders(l, t)
		parts = append(parts, fmt.Sprintf("%s waits for %s%s held by %s", t.Name, l.Name, modeParen(l, mode), holders))
		rel = append(rel, Related{pos, fmt.Sprintf("%s blocks here on %s", t.Name, l.Name)})
		// A wait inside the kernel library: where the script called
		// into it.
		for _, r := range t.pathCalls(pos) {
			if !slices.Contains(rel, r) {
				rel = append(rel, r)
			}
		}
		for _, h := range holdersOf(l) {
			if i := h.hold(l); i >= 0 {
				rs := []Related{{h.holds[i].Pos, fmt.Sprintf("%s took %s here", h.Name, l.Name)}}
				if h.dead {
					rs = append(rs, Related{h.deadAt, fmt.Sprintf("%s died here in a BUG, holding %s for good", h.Name, l.Name)})
				}
				for _, r := range rs {
					if !slices.Contains(rel, r) {
						rel = append(rel, r)
					}
				}
			}
		}
	}
	pos := lang.Pos{}
	if len(rel) > 0 {
		pos = rel[0].Pos
	}
	return &Diagnostic{
		Kind:     Deadlock,
		Pos:      pos,
		Rule:     "deadlock",
		Msg:      strings.Join(parts, "; "),
		Source:   "kernel/hung_task.c: check_hung_task() \"task blocked for more than 120 seconds\"",
		Kernel:   WARN,
		Related:  rel,
		Schedule: schedule,
		Waiters:  ws,
	}
}

// holderName is t's name as a lock's holder: a task a BUG stopped holds
// its locks forever (the oops killed it), which is why its waiters hang.
func (t *Task) holderName() string {
	if t.dead {
		return t.Name + " (dead after a BUG)"
	}
	return t.Name
}

func holdersOf(l *Lock) []*Task {
	var ts []*Task
	if l.writer != nil {
		ts = append(ts, l.writer)
	}
	for _, r := range l.readers {
		dup := false
		for _, x := range ts {
			dup = dup || x == r
		}
		if !dup {
			ts = append(ts, r)
		}
	}
	return ts
}

// lockHolders names who holds l and, when others than self wait ahead of
// it, the queue (a reader blocked behind a queued writer needs both).
func lockHolders(l *Lock, self *Task) string {
	ts := holdersOf(l)
	var queue []string
	for _, w := range l.waiters {
		if w.t == self {
			break
		}
		queue = append(queue, w.t.Name+modeParen(l, w.mode))
	}
	if len(ts) == 0 {
		q := queue
		if len(q) > 0 {
			return "nobody (queued behind waiting " + strings.Join(q, ", ") + ")"
		}
		return "nobody"
	}
	var names []string
	for _, t := range ts {
		names = append(names, t.holderName())
	}
	s := strings.Join(names, ", ")
	if len(queue) > 0 {
		s += ", behind queued " + strings.Join(queue, ", ")
	}
	return s
}
