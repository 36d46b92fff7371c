package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
)

// Task is a kernel thread's view of the locks: what it holds, in which
// order, whether it may sleep, and what it waits for. The interpreter keeps
// one per script thread.
type Task struct {
	ID   int
	Name string
	CPU  int // the CPU it runs on, for the per-CPU TLB

	k     *Kernel
	holds []Hold
	// subclass is the lockdep subclass of the next acquisition, set by a
	// _nested one (spin_lock_nested, mmap_write_lock_nested:
	// SINGLE_DEPTH_NESTING); waitSub is the subclass of the queued one,
	// which its hold gets when the lock is handed over.
	subclass uint8
	waitSub  uint8
	// tlbWindows are the TLB flushes the task owes (rule 3c), and
	// faultRaceSeen the VMAs it was told to vma_start_write (3g).
	tlbWindows    []*tlbWindow
	faultRaceSeen map[*VMAState]bool
	// flushRaises are the increments of mm->tlb_flush_pending this task
	// made (tlb_gather_mmu, inc_tlb_flush_pending) and has not dropped
	// (dec_tlb_flush_pending), oldest first: an entry it clears while one
	// is raised may be flushed after its PTL drops, and a gather still
	// raised when the thread ends was never finished.
	flushRaises []flushRaise
	// tlbUBC is current->tlb_ubc: the flush this task's batched unmaps
	// owe (try_to_unmap_one() with TTU_BATCH_FLUSH), until
	// try_to_unmap_flush() (kernel_tlb_batch.go).
	tlbUBC mmcore.TLBFlushUnmapBatch
	// notifierRanges are the mmu_notifier ranges this task started and
	// has not ended: the page-table changes it makes meanwhile must lie
	// in one of them.
	notifierRanges []*MMURange
	// pinned and gotRefs count, per folio, the FOLL_PIN pins and the plain
	// references (alloc_page, get_page, GUP with FOLL_GET) this task took
	// and has not released: put_page() of a folio it holds only pins on
	// releases a pin the wrong way (rule put_page/pinned-page).
	pinned  map[*mmcore.Page]int
	gotRefs map[*mmcore.Page]int
	// wpSeqReads are the mm->write_protect_seq values this task read
	// (raw_read_seqcount) and has not yet checked (read_seqcount_retry);
	// wpSeqRetry is set by a check that failed, until the next read: the
	// task's unpins then undo a walk that raced with fork.
	wpSeqReads map[*MM]uint64
	wpSeqRetry bool
	// mmRefs counts the mm_users references this task took with
	// mmget_not_zero() and has not dropped with mmput().
	mmRefs map[*MM]int
	// mmGrabs counts the mm_count references this task took with
	// mmgrab() and has not dropped (kernel_mmcount.go); freedSeen the
	// freed mms whose use it was told about.
	mmGrabs     map[*MM]int
	mmFreedSeen map[*MM]bool
	// failedTry and failedGet are this task's attempts that failed (a
	// trylock of the lock, mmget_not_zero() of the mm) and that nothing
	// has superseded since (taking the lock; a later mmget_not_zero()):
	// going on as if they had succeeded is their API's FailRule.
	failedTry map[*Lock]failedAttempt
	failedGet map[*MM]failedAttempt
	// mmLiveHold is, per mm, the hold of its mmap lock under which this
	// task knows the mm still has users: it held the lock when mm_users
	// dropped to zero, or found it non-zero under the lock
	// (ksm_test_exit()); exit_mmap() cannot tear the VMAs down before
	// that hold ends.
	mmLiveHold map[*MM]uint64
	// collapseGrabs are the folio references this task took, as a
	// lockless walker (try_grab_folio_fast), on pages khugepaged had
	// already isolated for a collapse, and not yet dropped (rule 3b).
	collapseGrabs []collapseGrab
	spins         int // spinlocks held: no sleeping
	rcu           int // rcu_read_lock depth: no sleeping
	irqs          int // 1 while interrupts are off (local_irq_disable does not nest): no sleeping, no IPIs
	// rcuSection numbers the RCU read-side critical section the task is
	// in (0: none). Since the RCU flavours were consolidated, a region
	// with preemption or interrupts disabled is one too (kernel/rcu/tree.c:
	// call_rcu() kernel-doc), so it spans rcu_read_lock, spinlocks and
	// IRQs-off; grace periods wait for the sections open when they began.
	rcuSection uint64
	// irqSection numbers the IRQs-off region the task is in (0: none),
	// which tlb_remove_table_sync_one()'s IPI waits for.
	irqSection uint64
	// pagefaultDisabled is current->pagefault_disabled, the count of
	// pagefault_disable() calls not yet undone (negative after an
	// unbalanced pagefault_enable(), which the kernel does not check);
	// pagefaultPos is where it left 0 (pagefault.go).
	pagefaultDisabled int
	pagefaultPos      lang.Pos
	// kthreadMM is the mm the task adopted with kthread_use_mm() (the
	// kernel's tsk->mm of a kernel thread), nil when none; kthreadPos is
	// where (kthread.go).
	kthreadMM  *MM
	kthreadPos lang.Pos

	waitLock *Lock // the lock it is queued on, nil when runnable
	waitMode Mode
	waitPos  lang.Pos
	waitSeq  uint64 // when it queued, in the kernel's event order

	// cur is the operation call being executed (set on entry to every
	// operation and when a handler returns into its caller); calls are the
	// operations the task is inside of that called a handler, outermost
	// first. Reports build the call path from them.
	cur   *Call
	calls []callFrame

	dead bool // stopped by a BUG: its locks stay held forever
	// deadAt is where the BUG stopped it (deadlock reports name it: the
	// locks a dead task holds are why the others wait).
	deadAt lang.Pos

	// epochs: the lock epochs of the values the task read under a lock
	// (stale.go; a value refers to its own); vmaBase: per mm, the newest
	// VMA id when the task started (a slice, not a map: every
	// fingerprint walks it, and a Go map's iteration cost more than all
	// its entries' words).
	epochs    []*epoch
	vmaBase   []vmaBase
	freedSeen map[*mmcore.VMA]bool // unmapped VMAs whose use was reported

	// Pos is the position of the call being executed; diagnostics use it.
	Pos lang.Pos
	// Stack describes the handler frames the task is in (innermost last),
	// e.g. "fault handler drv.fault"; diagnostics name the innermost.
	Stack []string
}

// Holds returns the locks the task holds, in acquisition order.
func (t *Task) Holds() []Hold { return t.holds }

// Blocked reports whether the task waits for a lock.
func (t *Task) Blocked() bool { return t.waitLock != nil }

// WaitingFor returns the lock the task is queued on, and how.
func (t *Task) WaitingFor() (*Lock, Mode, lang.Pos) { return t.waitLock, t.waitMode, t.waitPos }

// Dead reports whether the task was stopped by a BUG.
func (t *Task) Dead() bool { return t.dead }

// Atomic reports whether the task is in a context that must not sleep.
func (t *Task) Atomic() bool { return t.spins > 0 || t.rcu > 0 || t.irqs > 0 }

// readerChange is called after the task's spinlock, rcu_read_lock or
// IRQs-off depth changed: entering the first of them opens an RCU
// read-side section, leaving the last closes it, which may end grace
// periods.
func (t *Task) readerChange() {
	in := t.spins > 0 || t.rcu > 0 || t.irqs > 0
	if in != (t.rcuSection != 0) {
		t.fpRCUSection(!in)
	}
	switch {
	case in && t.rcuSection == 0:
		t.k.rcu.epoch++
		t.rcuSection = t.k.rcu.epoch
	case !in && t.rcuSection != 0:
		t.rcuSection = 0
		t.k.rcuReaderDone(t)
	}
}

// hold returns the index of t's last hold of l (any mode), or -1.
func (t *Task) hold(l *Lock) int {
	for i := len(t.holds) - 1; i >= 0; i-- {
		if t.holds[i].Lock == l {
			return i
		}
	}
	return -1
}

// holdsClass returns t's last hold of a lock of class c, or nil.
func (t *Task) holdsClass(c Class) *Hold {
	for i := len(t.holds) - 1; i >= 0; i-- {
		if t.holds[i].Lock.Class == c {
			return &t.holds[i]
		}
	}
	return nil
}

func (t *Task) push(l *Lock, mode Mode, try bool) { t.pushSub(l, mode, try, 0) }

// pushSub records a hold of l taken as lockdep subclass sub.
func (t *Task) pushSub(l *Lock, mode Mode, try bool, sub uint8) {
	t.fpTask()
	t.k.clock++
	if mode == Write {
		l.wgen++
	}
	t.holds = append(t.holds, Hold{Lock: l, Mode: mode, Pos: t.Pos, Try: try, seq: t.k.clock, wgen: l.wgen, wrote: mode == Write, sub: sub})
	delete(t.failedTry, l) // the lock is held now: an earlier failed attempt is superseded
	if l.Kind == Spin {
		t.spins++
		t.readerChange()
	}
}

func (t *Task) pop(i int) {
	t.fpTask()
	spin := t.holds[i].Lock.Kind == Spin
	t.holds = append(t.holds[:i], t.holds[i+1:]...)
	if spin {
		t.spins--
		t.readerChange()
	}
}

// granted is called by a lock that hands itself over to a queued task.
func (t *Task) granted(l *Lock) {
	if t.waitLock != l {
		return
	}
	mode, sub := t.waitMode, t.waitSub
	t.waitLock, t.waitSub = nil, 0
	pos := t.Pos
	t.Pos = t.waitPos
	t.pushSub(l, mode, false, sub)
	t.Pos = pos
}

// Acquire takes l in mode, running the lock checks first (recursion,
// lockdep order, sleeping in atomic context) as the kernel's lockdep does
// before it contends. It reports whether the lock was granted at once;
// if not, the task is queued and Blocked() is true until a release hands
// the lock over.
func (t *Task) Acquire(l *Lock, mode Mode) bool {
	sub := t.subclass
	t.subclass = 0
	t.checkMoverUse(l, mode == Read)
	t.checkAcquire(l, mode, sub)
	step, prior := t.fpTransientStart(l, mode)
	if l.canGrant(t, mode) {
		l.grant(t, mode)
		t.pushSub(l, mode, false, sub)
		t.holds[len(t.holds)-1].fpStep, t.holds[len(t.holds)-1].fpPrior = step, prior
		return true
	}
	t.fpLock(l, true) // queued
	if l.Kind != Spin && t.Atomic() {
		// A spinlock spins; every other lock sleeps until it is handed
		// over. (Atomic() first: the name is built only for a finding,
		// so that contention allocates nothing.)
		t.Schedule(lockOpName(l, mode) + " (" + l.Name + ")")
	}
	l.waiters = append(l.waiters, waiter{t, mode})
	t.waitLock, t.waitMode, t.waitPos, t.waitSub = l, mode, t.Pos, sub
	t.k.clock++
	t.waitSeq = t.k.clock
	return false
}

// TryAcquire takes l in mode if it can be had now (no waiters queued, no
// conflicting holder), like down_read_trylock/spin_trylock. Lockdep records
// no dependency into a trylock, since it cannot deadlock.
func (t *Task) TryAcquire(l *Lock, mode Mode) bool {
	sub := t.subclass
	t.subclass = 0
	t.checkMoverUse(l, mode == Read)
	if mode == Read && l.refusesReaders() {
		// canGrant's refusal, which is all the attempt read of l
		// (Access.Refused): a writer holds it or a task is queued.
		t.fpLockRefused(l)
		return false
	}
	step, prior := t.fpTransientStart(l, mode)
	if !l.canGrant(t, mode) {
		return false
	}
	l.grant(t, mode)
	t.pushSub(l, mode, true, sub)
	t.holds[len(t.holds)-1].fpStep, t.holds[len(t.holds)-1].fpPrior = step, prior
	return true
}

// Release drops t's hold of l in mode. It reports false, changing nothing,
// when t does not hold l so.
func (t *Task) Release(l *Lock, mode Mode) bool {
	i := -1
	for j := len(t.holds) - 1; j >= 0; j-- {
		if t.holds[j].Lock == l && t.holds[j].Mode == mode {
			i = j
			break
		}
	}
	if i < 0 {
		return false
	}
	t.checkMoverUse(l, mode == Read)
	h := t.holds[i]
	t.pop(i)
	l.release(t, mode)
	t.fpTransientEnd(l, &h)
	return true
}

// Downgrade turns t's write hold of l into a read hold (downgrade_write),
// letting queued readers in.
func (t *Task) Downgrade(l *Lock) bool {
	for j := len(t.holds) - 1; j >= 0; j-- {
		if t.holds[j].Lock == l && t.holds[j].Mode == Write {
			t.checkMoverUse(l, false)
			t.holds[j].Mode = Read
			t.fpTask() // its holds changed (Lock.heldBy reads them)
			t.fpLock(l, true)
			l.writer = nil
			l.addReader(t)
			// __downgrade_write(): rwsem_set_reader_owned(), then
			// the readers queued are woken with RWSEM_WAKE_READ_OWNED.
			l.setOwner(t, t)
			l.wake(true)
			return true
		}
	}
	return false
}

func (t *Task) checkAcquire(l *Lock, mode Mode, sub uint8) {
	k := t.k
	if l.Kind != Spin && t.Atomic() {
		k.violate(t, ruleSleepInAtomic, fmt.Sprintf("%s (%s) may sleep, but %s", lockOpName(l, mode), l.Name, t.atomicWhy()), t.atomicRelated()...)
	}
	t.checkOrder(l, mode, sub)
}

// checkOrder runs lockdep's checks of an acquisition of l in mode as
// lockdep subclass sub: the mmap lock under a VMA read lock, recursion,
// the order against every held lock; it records the new dependencies.
// might_lock_read() runs it with nothing taken (mightFault).
//
// Both checks compare lockdep classes, and a class is a lock's class
// taken as one subclass (kernel/locking/lockdep.c: check_deadlock() and
// check_prev_add() compare hlock_class(), and register_lock_class() keys
// a class by the lock's key and the subclass). So a _nested acquisition
// is ordered as a class of its own: holding &mm->mmap_lock/1 under x
// says nothing about &mm->mmap_lock under x, and taking a lock of one
// class while holding another of the same class is recursive only at the
// same subclass. Lockdep's recursion check looks at classes, never
// instances: the same instance taken again as another subclass passes it
// and then blocks on itself, which is the deadlock reported then.
func (t *Task) checkOrder(l *Lock, mode Mode, sub uint8) {
	k := t.k
	if l.Class == ClassMmapLock {
		if h := t.holdsClass(ClassVMALock); h != nil && h.Mode == Read {
			k.violate(t, ruleMmapUnderVMARead,
				fmt.Sprintf("blocking on %s while holding a VMA read lock can deadlock with a writer in vma_start_write", l.Name),
				Related{h.Pos, "VMA read lock taken here"})
		}
	}
	if l.Class == ClassRCU || l.Class == ClassFolioLock || l.nodep {
		// Folio locks and a script's bit locks have no lockdep map: a
		// recursive folio_lock is a silent self-deadlock, which the
		// scheduler reports as such.
		return
	}
	next, apart := t.classOf(l.Class, sub)
	if i := t.hold(l); i >= 0 {
		h := &t.holds[i]
		if prev, _ := t.classOf(l.Class, h.sub); prev == next {
			if d := k.violate(t, ruleRecursive, fmt.Sprintf("recursive locking: %s already held%s by this thread", l.Name, holdMode(l, h.Mode)),
				Related{h.Pos, fmt.Sprintf("%s first taken here", l.Name)}); d != nil {
				d.Lockdep = &LockdepSplat{Kind: SplatRecursive, Title: "possible recursive locking detected", Acquire: k.acquiring(t, l, mode, sub), Holding: k.heldLock(h)}
			}
			return
		}
	}
	asked := false
	for i := range t.holds {
		h := &t.holds[i]
		if !lockdepTracked(h) {
			continue
		}
		a := h.Lock.Class
		prev, _ := t.classOf(a, h.sub)
		if prev == next && sub != 0 && !apart {
			continue // out of classes for subclasses: a _nested acquisition stays unchecked against its own class
		}
		if prev == next {
			// Lockdep knows classes, not instances: nesting two locks of
			// one class needs a _nested annotation (mmap_write_lock_nested,
			// spin_lock_nested), which only dup_mmap, mremap and khugepaged
			// use, under an outer lock that orders the pair.
			if d := k.violate(t, ruleRecursive, fmt.Sprintf("possible recursive locking: taking %s while holding %s, another lock of class %s", l.Name, h.Lock.Name, k.dep.name(prev)),
				Related{h.Pos, h.Lock.Name + " taken here"}); d != nil {
				d.Lockdep = &LockdepSplat{Kind: SplatRecursive, Title: "possible recursive locking detected", Acquire: k.acquiring(t, l, mode, sub), Holding: k.heldLock(h)}
			}
			continue
		}
		if a == ClassVMALock && l.Class == ClassMmapLock && h.Mode == Read {
			continue // reported above as mmap-under-vma-read, its own rule
		}
		if !asked {
			// Every question of this acquisition is asked from next,
			// and no edge it adds leads out of a class next reaches
			// (that edge would close a cycle, reported instead).
			t.fpLockdepReach(next)
			asked = true
		}
		if k.dep.reaches(next, prev) {
			np, nn := k.dep.name(prev), k.dep.name(next)
			rel := []Related{{h.Pos, fmt.Sprintf("%s taken here", k.lockNameSub(h.Lock, h.sub))}}
			rel = append(rel, k.dep.describe(next, prev)...)
			if d := k.violate(t, ruleCircular,
				fmt.Sprintf("possible circular locking dependency: taking %s while holding %s, but %s -> %s is established",
					k.lockNameSub(l, sub), k.lockNameSub(h.Lock, h.sub), nn, np), rel...); d != nil {
				d.Lockdep = &LockdepSplat{Kind: SplatCircular, Title: "possible circular locking dependency detected",
					Acquire: k.acquiring(t, l, mode, sub), Holding: k.heldLock(h), Chain: k.dep.chain(next, prev)}
			}
			continue
		}
		known := k.dep.known(prev, next)
		t.fpLockdepEdge(prev, next, !known)
		if !known {
			k.dep.add(prev, next, edgeOrigin{pos: t.Pos, thread: t.Name, path: t.callPath(true)})
		}
	}
}

// classOf is the lockdep class of base taken as subclass sub
// (lockdep.classOf), with its footprint: a subclass's class is made on
// its first use, or not at all when the classes ran out.
func (t *Task) classOf(base Class, sub uint8) (Class, bool) {
	if sub == 0 {
		return base, true
	}
	d := t.k.dep
	n := len(d.keys)
	c, ok := d.classOf(base, sub)
	t.fpLockdepClass(base, sub, !ok || len(d.keys) != n)
	return c, ok
}

// lockdepTracked reports whether lockdep sees h as held: not RCU, not a
// folio lock or a script's bit lock (no lockdep map), and not a VMA write
// lock, whose lockdep map __vma_start_write() releases before returning
// (the lock itself lives on in vm_lock_seq).
func lockdepTracked(h *Hold) bool {
	if h.Lock.nodep {
		return false
	}
	switch h.Lock.Class {
	case ClassRCU, ClassFolioLock:
		return false
	case ClassVMALock:
		return h.Mode == Read
	}
	return true
}

func lockOpName(l *Lock, mode Mode) string {
	switch l.Class {
	case ClassMmapLock:
		if mode == Read {
			return "mmap_read_lock"
		}
		return "mmap_write_lock"
	case ClassIMmapRwsem:
		if mode == Read {
			return "i_mmap_lock_read"
		}
		return "i_mmap_lock_write"
	case ClassAnonVMARwsem:
		if mode == Read {
			return "anon_vma_lock_read"
		}
		return "anon_vma_lock_write"
	case ClassFolioLock:
		return "folio_lock"
	case ClassVMALock:
		return "vma_start_write"
	}
	if l.Kind == BitLock && l.nodep {
		return "wait_on_bit_lock"
	}
	if l.Kind == BitLock {
		return "mutex_lock"
	}
	if l.Kind == SRCU {
		if mode == Read {
			return "srcu_read_lock"
		}
		return "synchronize_srcu"
	}
	if mode == Read {
		return "down_read"
	}
	return "down_write"
}

// atomicWhy says why the task may not sleep.
func (t *Task) atomicWhy() string {
	for i := len(t.holds) - 1; i >= 0; i-- {
		if t.holds[i].Lock.Kind == Spin {
			return "spinlock " + t.holds[i].Lock.Name + " is held"
		}
	}
	if t.rcu > 0 {
		return "the thread is in an RCU read-side critical section"
	}
	if t.irqs > 0 {
		return "interrupts are disabled (local_irq_disable)"
	}
	return "the thread is in atomic context"
}

func (t *Task) atomicRelated() []Related {
	for i := len(t.holds) - 1; i >= 0; i-- {
		h := t.holds[i]
		if h.Lock.Kind == Spin || h.Lock.Class == ClassRCU {
			return []Related{{h.Pos, h.Lock.Name + " taken here"}}
		}
	}
	return nil
}

// MightSleep checks that the task may sleep here (might_sleep()).
func (t *Task) MightSleep(what string) {
	if t.Atomic() {
		t.k.violate(t, ruleSleepInAtomic, fmt.Sprintf("%s may sleep, but %s", what, t.atomicWhy()), t.atomicRelated()...)
	}
}

// Schedule checks the task's context where it really blocks in
// schedule(): a contended sleeping lock, msleep(), a wait for a grace
// period. MightSleep is the annotation, which only a debug kernel checks;
// here every kernel looks, and what it sees depends on what makes the
// context atomic, in the order schedule() meets them: a spinlock's
// preempt_count (schedule_debug()), then the RCU nesting
// (rcu_note_context_switch()); IRQs off alone goes unseen.
func (t *Task) Schedule(what string) {
	var r *Rule
	switch {
	case t.spins > 0:
		r = ruleSchedAtomic
	case t.rcu > 0:
		r = ruleSchedRCU
	case t.irqs > 0:
		r = ruleSchedIRQsOff
	default:
		return
	}
	t.k.violate(t, r, fmt.Sprintf("%s blocks in schedule(), but %s", what, t.atomicWhy()), t.atomicRelated()...)
}
