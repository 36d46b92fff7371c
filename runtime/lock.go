package runtime

import (
	"fmt"
	"slices"

	"github.com/mmscript/mmscript/lang"
)

// Class is a lock class in lockdep's sense: every mmap_lock is one class,
// every split PTE lock another. Lock-order rules and the dependency graph
// are kept per class, as lockdep does.
type Class uint8

// The lock classes, in the documented order of mm/rmap.c's header comment
// (outer first), which process_addrs.rst reproduces. The order is the rank
// used to seed the dependency graph.
const (
	ClassNone Class = iota
	ClassMmapLock
	ClassFolioLock
	ClassVMALock // the per-VMA lock (vm_refcnt / vm_lock_seq)
	ClassIMmapRwsem
	ClassAnonVMARwsem
	ClassPageTableLock // mm->page_table_lock
	ClassPMDLock       // split PMD lock
	ClassPTELock       // split PTE lock
	ClassRCU
	// The filesystem locks of the mm lock order (mm/rmap.c: "inode->i_rwsem
	// (while writing or truncating, not reading or faulting) ->
	// mm->mmap_lock -> mapping->invalidate_lock (in filemap_fault)").
	ClassIRwsem
	ClassInvalidateLock
	// userfaultfd's (fs/userfaultfd.c): a context's map_changing_lock, an
	// rw_semaphore ordered after the mmap lock and the VMA lock (the
	// non-cooperative events take it for write under the mmap lock; the
	// UFFDIO_* ioctls for read under the VMA or mmap read lock), and the
	// wait queues a faulting task sleeps on in handle_userfault() and a
	// reader in userfaultfd_ctx_read() (no lock to lockdep: what a task
	// waits on, named in deadlock reports).
	ClassUffdMapChanging
	ClassUffdWait
	// ClassUser is the first class of the locks a script declares (mutex,
	// spinlock); each declared lock gets a class of its own, up to maxClasses.
	ClassUser
	maxClasses = 64
)

// classNames are the names lockdep prints for the classes: the text of the
// lock expression at the init_rwsem/spin_lock_init call that keyed the class
// (include/linux/lockdep.h: lockdep_init_map via __init_rwsem(#sem)), or the
// name given to lockdep_init_map: mm_init() and anon_vma_ctor() and
// __address_space_init_once() init "&mm->mmap_lock", "&mm->page_table_lock",
// "&anon_vma->rwsem" and "&mapping->i_mmap_rwsem"; vma_lock_init()
// (include/linux/mmap_lock.h) names the per-VMA lock's map "vm_lock";
// ptlock_init() (include/linux/mm.h) inits the split page-table locks as
// "ptlock_ptr(ptdesc)". PTE and PMD tables are constructed in different
// files, so their locks get different keys with the same name, which
// lockdep tells apart with a "#2" suffix (count_matching_names()). The
// folio lock is a page flag bit with no lockdep map: lockdep never names it.
var classNames = [ClassUser]string{
	ClassNone:          "none",
	ClassMmapLock:      "&mm->mmap_lock",
	ClassFolioLock:     "folio_lock",
	ClassVMALock:       "vm_lock",
	ClassIMmapRwsem:    "&mapping->i_mmap_rwsem",
	ClassAnonVMARwsem:  "&anon_vma->rwsem",
	ClassPageTableLock: "&mm->page_table_lock",
	ClassPMDLock:       "ptlock_ptr(ptdesc)#2",
	ClassPTELock:       "ptlock_ptr(ptdesc)",
	ClassRCU:           "rcu_read_lock",
	// inode_init_always() keys i_rwsem per file system type
	// (lockdep_set_class(&inode->i_rwsem, &sb->s_type->i_mutex_key));
	// address_space_init_once() inits "&mapping->invalidate_lock".
	ClassIRwsem:         "&sb->s_type->i_mutex_key",
	ClassInvalidateLock: "&mapping->invalidate_lock",
	// new_userfaultfd() and dup_userfaultfd(): init_rwsem(&ctx->map_changing_lock)
	ClassUffdMapChanging: "&ctx->map_changing_lock",
	ClassUffdWait:        "&ctx->fault_pending_wqh",
}

func (c Class) String() string {
	if c < ClassUser {
		return classNames[c]
	}
	return fmt.Sprintf("lock class %d", c)
}

// Kind is how a lock behaves.
type Kind uint8

const (
	// RWSem: a sleeping reader/writer semaphore whose waiters are served
	// in order: a reader that arrives while a writer waits queues behind
	// it, so recursive read locking can deadlock. (The kernel's rwsem also
	// lets a reader or writer steal a free lock ahead of the queue in some
	// states, kernel/locking/rwsem.c: rwsem_down_read_slowpath(),
	// rwsem_rlock_steal; that changes fairness only, and is not modelled:
	// explore does not show the stealing interleavings.)
	RWSem Kind = iota + 1
	// Spin: a spinlock; the holder must not sleep.
	Spin
	// VMALock: the per-VMA lock. Readers never wait (they fail); the writer
	// waits for readers to drain and holds the lock until the mmap write
	// lock is dropped or downgraded.
	VMALock
	// BitLock: a sleeping exclusive lock (the folio lock).
	BitLock
	// SRCU: a struct srcu_struct (srcu.go): read-side sections are read
	// holds that never wait, synchronize_srcu() waits for them.
	SRCU
)

// Mode is how a lock is held.
type Mode uint8

const (
	Read Mode = iota + 1
	Write
)

func (m Mode) String() string {
	if m == Read {
		return "read"
	}
	return "write"
}

// Lock is one lock instance.
type Lock struct {
	Class Class
	Kind  Kind
	Name  string // how diagnostics name it, e.g. "m->mmap_lock"

	writer *Task // holder of the write (exclusive) side
	// readers holds the read side, one entry per acquisition, in task
	// order: which reader came first is nothing a step can read (a
	// reader count in the kernel), so it is not kept, and states that
	// differ only in it are one state to the state cache.
	readers []*Task
	// owner is an RWSem's sem->owner task (kernel/locking/rwsem.c): the
	// writer (rwsem_set_owner()), or the last reader to take it
	// (rwsem_set_reader_owned(); for readers woken together,
	// rwsem_mark_wake() names the first), until that reader drops its
	// hold (rwsem_clear_reader_owned(), CONFIG_DEBUG_RWSEMS, the kernel
	// unlockWrongMode models); nil for other kinds. It is all of the
	// readers' order that __up_write()'s debug check reads.
	owner   *Task
	waiters []waiter

	vma  *VMAState  // for a VMALock
	srcu *srcuState // for an SRCU
	// nodep: the lock has no lockdep map (a script's bitlock, bitlock.go):
	// lockdep checks no order, recursion or release of it, as for the
	// folio lock (ClassFolioLock), whose class says so.
	nodep bool
	// pt is, for a split PTE or PMD lock, the page-table page it lives
	// in and the mm whose table that is (ptl()): the kernel finds a PTL
	// from its table (pte_lockptr(), pmd_lockptr(): ptlock_ptr() of the
	// table's ptdesc), so code asking whether a lock is an mm's PTL asks
	// the lock's table, never its name. Fixed when the lock is made;
	// zero for any other lock. Held inline: a pointer was an allocation
	// per table per run of the explorer.
	pt ptOwner
	// wgen counts the write acquisitions: a value read under an older
	// generation may have been changed since (stale.go).
	wgen uint64
	// fpID is ID(l), the hash of Name, kept: footprints name a lock
	// several times a step, and hashing the name each time was a tenth
	// of BenchmarkStepRate. Derived from Name, it is no state of its own
	// (the state hasher skips it).
	fpID uint32
}

type waiter struct {
	t    *Task
	mode Mode
}

// NewLock makes a lock.
func NewLock(class Class, kind Kind, name string) *Lock {
	return &Lock{Class: class, Kind: kind, Name: name, fpID: nameID(name)}
}

// Writer returns the task holding the lock exclusively, or nil.
func (l *Lock) Writer() *Task { return l.writer }

// Readers returns the number of read holds.
func (l *Lock) Readers() int { return len(l.readers) }

// Held reports whether anyone holds the lock.
func (l *Lock) Held() bool { return l.writer != nil || len(l.readers) > 0 }

// HasWaiters reports whether tasks are queued on the lock.
func (l *Lock) HasWaiters() bool { return len(l.waiters) > 0 }

// addReader adds a read hold of t, in task order (after t's own).
func (l *Lock) addReader(t *Task) {
	i := len(l.readers)
	for i > 0 && l.readers[i-1].ID > t.ID {
		i--
	}
	l.readers = slices.Insert(l.readers, i, t)
}

// setOwner sets an RWSem's sem->owner. Every change is a write of it
// (AOwner), ordered against the other changes and against
// __up_write()'s debug check, which reads it.
func (l *Lock) setOwner(t, owner *Task) {
	if l.Kind != RWSem {
		return
	}
	t.fpOwner(l, true)
	l.owner = owner
}

func (l *Lock) readHeldBy(t *Task) bool {
	for _, r := range l.readers {
		if r == t {
			return true
		}
	}
	return false
}

// heldBy reports how t holds l: 0 (not), Read or Write. It reads t's
// holds, not the lock (a read of task t): whether t holds l changes only
// in t's own steps, at a hand-over to t (wake) and at a release on t's
// behalf (vma_end_write_all, a VMA mark moved to another task), and each
// of those writes t (Task.pushSub, Task.pop). So an assertion that this
// task holds a lock (lockdep_assert_held, mmap_assert_locked,
// vma_assert_locked, the rules' "held by this thread") commutes with
// other tasks' acquisitions, waits and releases. A caller that goes on to
// read who else holds l, when t does not, records that itself
// (Kernel.fpLockObserve on that path: mmapAssertLocked).
func (l *Lock) heldBy(t *Task) Mode {
	t.fpHolds()
	if l.writer == t {
		return Write
	}
	if l.readHeldBy(t) {
		return Read
	}
	return 0
}

// canGrant reports whether mode could be granted now. Queued waiters come
// first: a newcomer never overtakes them (strict hand-off; see RWSem for
// the kernel's lock stealing, not modelled), which is what makes a
// recursive read deadlock behind a waiting writer: the kernel queues such a
// reader too (rwsem_down_read_slowpath() when the lock is reader-owned
// with other readers and a writer waits).
func (l *Lock) canGrant(t *Task, mode Mode) bool {
	if mode == Write {
		t.k.fpLockObserve(l) // any reader stops a writer
	} else {
		t.fpLock(l, false) // the writer and the queue
	}
	if len(l.waiters) > 0 {
		return false
	}
	return l.compatible(mode)
}

// refusesReaders reports whether a new reader would be refused now
// (canGrant(t, Read) is false): a writer holds l or a task is queued.
func (l *Lock) refusesReaders() bool { return l.writer != nil || len(l.waiters) > 0 }

func (l *Lock) compatible(mode Mode) bool {
	if l.writer != nil {
		return false
	}
	if mode == Write && len(l.readers) > 0 {
		return false
	}
	return true
}

func (l *Lock) grant(t *Task, mode Mode) {
	// A read grant with nobody queued commutes with other such grants.
	if mode == Write || len(l.waiters) > 0 {
		t.fpLock(l, true)
	} else {
		t.fpLockShared(l)
	}
	if mode == Write {
		l.writer = t
	} else {
		l.addReader(t)
	}
	l.setOwner(t, t)
}

// release drops one hold of t in mode and hands the lock to waiters that
// can now have it. It returns false if t did not hold it so.
func (l *Lock) release(t *Task, mode Mode) bool {
	// A release that finds l refusing readers and leaves it so commutes
	// with a failed read trylock (Access.KeepsRefusing).
	refusing, prior := l.refusesReaders(), t.fpLockAccess(l)
	if mode == Write {
		if l.writer != t {
			return false
		}
		t.fpLock(l, true)
		l.writer = nil
		l.setOwner(t, nil) // rwsem_clear_owner()
	} else {
		i := -1
		for j := len(l.readers) - 1; j >= 0; j-- {
			if l.readers[j] == t {
				i = j
				break
			}
		}
		if i < 0 {
			return false
		}
		// A read release that wakes nobody commutes with read grants.
		if len(l.waiters) > 0 {
			t.fpLock(l, true)
		} else {
			t.fpLockShared(l)
		}
		l.readers = append(l.readers[:i], l.readers[i+1:]...)
		if l.owner == t {
			// rwsem_clear_reader_owned() in __up_read(). Recorded
			// as no write of the owner: it commutes with every other
			// task's step that reads or sets it (a grant sets it
			// whatever it was; __up_write()'s check by another task
			// sees "not mine" before and after).
			l.owner = nil
		}
	}
	l.wake(false)
	if refusing && l.refusesReaders() {
		t.fpKeptRefusing(l, prior)
	}
	return true
}

// wake hands the lock over as rwsem_wake does: the first waiter if it is a
// writer and the lock is free; otherwise every queued reader (readers are
// woken together, writers stay queued). With readOwned (a downgrade: the
// waker holds it for read, RWSEM_WAKE_READ_OWNED) sem->owner stays the
// waker's; otherwise rwsem_mark_wake() names the first reader woken.
func (l *Lock) wake(readOwned bool) {
	if len(l.waiters) == 0 || !l.compatible(l.waiters[0].mode) {
		return
	}
	// The queue is compacted in place, so that queueing and waking reuse
	// its array.
	if w := l.waiters[0]; w.mode == Write {
		n := copy(l.waiters, l.waiters[1:])
		l.waiters[n] = waiter{}
		l.waiters = l.waiters[:n]
		l.grant(w.t, Write)
		w.t.granted(l)
		return
	}
	// Grant all queued readers, keep writers queued in order.
	n := 0
	before := l.owner
	var first *Task
	for _, x := range l.waiters {
		if x.mode == Read {
			l.grant(x.t, Read) // a write of sem->owner (setOwner)
			x.t.granted(l)
			if first == nil {
				first = x.t
			}
		} else {
			l.waiters[n] = x
			n++
		}
	}
	clear(l.waiters[n:])
	l.waiters = l.waiters[:n]
	if l.Kind == RWSem && first != nil {
		l.owner = first
		if readOwned {
			l.owner = before
		}
	}
}

// Hold is one lock a task holds.
type Hold struct {
	Lock *Lock
	Mode Mode
	Pos  lang.Pos // where it was taken
	Try  bool     // taken by a trylock (lockdep adds no dependency into it)
	seq  uint64   // when, in the kernel's event order (for reports)
	// wgen is the lock's write generation when it was taken (stale.go);
	// wrote: taken for write (a downgrade keeps it).
	wgen  uint64
	wrote bool
	// sub is the lockdep subclass it was taken as (SINGLE_DEPTH_NESTING
	// for a _nested acquisition): with the lock's class, its lockdep class.
	sub uint8
	// fpStep is the footprint step the hold was taken in with the lock
	// free, 0 when not (or when an epoch was taken or checked under it);
	// fpPrior the lock's access in that step before it (fpTransientEnd).
	fpStep  uint64
	fpPrior Access
	// srcuIdx is, for a read-side section of an srcu_struct, the index
	// its srcu_read_lock() returned (srcu.go).
	srcuIdx uint8
}
