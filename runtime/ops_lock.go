package runtime

import (
	"fmt"
	"strings"

	"github.com/mmscript/mmscript/mmcore"
)

// The lock primitives: the mmap lock, the per-VMA lock, RCU, the rmap
// rwsems, the folio lock and plain spinlocks.

var lockRules = []*Rule{ruleRecursive, ruleCircular, ruleSleepInAtomic}

func mmapLockAPI(name, mode string) *API {
	return register(mmapLockEntry(name, mode))
}

func mmapLockEntry(name, mode string) *API {
	return &API{
		Name:    name,
		Section: "1.1",
		Hold:    "not this mm's mmap lock (rwsems are not recursive); no VMA read lock when it may block",
		Takes:   "mm->mmap_lock (" + mode + ")",
		Sleeps:  "yes",
		Asserts: "lockdep",
		Source:  "include/linux/mmap_lock.h: " + name + "()",
		Rules:   append([]*Rule{ruleMmapUnderVMARead}, lockRules...),
	}
}

// killableCommit is the commit that made the killable mmap locks
// __must_check, with mmap_read_trylock().
const killableCommit = "since 52f657e34d7b (\"x86: shadow stacks: proper error handling for mmap lock\", 2026: shstk_pop_sigframe() " +
	"went on without the lock after mmap_read_lock_killable() failed; backported to the 6.6 and 6.12 stable series, e.g. 6.6.140)"

// mmapLockKillableAPI is the entry of mmap_read_lock_killable() or
// mmap_write_lock_killable() (rwsemFn: down_read_killable or
// down_write_killable): an int result, __must_check in mainline, none in
// 6.18.
func mmapLockKillableAPI(name, mode, rwsemFn string) *API {
	a := mmapLockEntry(name, mode)
	a.Notes = "returns 0 with the lock held, or -EINTR when a fatal signal ended the wait (" + rwsemFn + "()): the caller then holds nothing " +
		"and must return, not go on or unlock. mmscript sends no fatal signals, so it returns 0 once the lock is granted"
	a.MustCheck = "include/linux/mmap_lock.h: static inline int __must_check " + name + "(struct mm_struct *mm), " + killableCommit
	register(a)
	olderReactions[name+"/result-unused"] = []VersionReaction{{Mainline, Unchecked,
		"include/linux/mmap_lock.h (6.18): static inline int " + name + "(struct mm_struct *mm): no __must_check, the compiler says nothing"}}
	return a
}

// rwsemUnlockAPI is unlockAPI for an up_read()/up_write() of an rwsem,
// which CONFIG_DEBUG_RWSEMS also checks for the other mode.
func rwsemUnlockAPI(name, hold, source string) *API {
	a := unlockAPI(name, hold, source, ruleUnlockWrongMode)
	a.Asserts = "lockdep: bad unlock balance (not held); CONFIG_DEBUG_RWSEMS: DEBUG_RWSEMS_WARN_ON in __up_read() or __up_write() (held in the other mode)"
	return a
}

func unlockAPI(name, hold, source string, extra ...*Rule) *API {
	return register(&API{
		Name:    name,
		Section: "1.1",
		Hold:    hold,
		Sleeps:  "no",
		Asserts: "lockdep: bad unlock balance",
		Source:  source,
		Rules:   append([]*Rule{ruleUnlockNotHeld}, extra...),
	})
}

// release drops a lock the script took, reporting an unbalanced unlock.
func (c *Call) release(l *Lock, mode Mode) Result {
	c.tlbWindowAtUnlock(l) // rule 3c: a PTL dropped before the flush it owes
	if !c.T.Release(l, mode) {
		held := l.heldBy(c.T)
		if held != 0 && l.Kind == RWSem {
			c.unlockWrongMode(l, held, mode)
			return ok
		}
		how := "not held"
		if held != 0 {
			// A VMA lock: vma_end_read() on a VMA this thread write-locked
			// releases vmlock_dep_map, which lockdep does not hold (the VMA
			// write lock is a sequence number, __vma_start_write() drops
			// the dep_map again): bad unlock balance.
			how = "held for " + held.String() + ", not " + mode.String()
		}
		if f, failed := c.T.failedTryOf(l); failed && held == 0 {
			c.K.unlockImbalance(c.T, l, mode, c.K.failureIgnored(c.T, f, ruleUnlockNotHeld.Kernel,
				// The unlock's own words stay in the message (what
				// lock/unlock-not-held says of any unlock of a lock not
				// held): the finding is that one, named by its cause.
				fmt.Sprintf("%s: %s is not held by this thread (%s)", c.Op.Name, l.Name, ruleUnlockNotHeld.Source)))
			return ok
		}
		c.K.unlockImbalance(c.T, l, mode, c.K.violate(c.T, ruleUnlockNotHeld, fmt.Sprintf("%s: %s is %s by this thread", c.Op.Name, l.Name, how)))
	}
	return ok
}

// unlockWrongMode reports an rwsem released in the other mode than this
// thread holds it. Lockdep is silent (__lock_release() matches by
// instance); CONFIG_DEBUG_RWSEMS warns from the owner field: __up_read()
// on a write-held rwsem always (the owner lacks RWSEM_READER_OWNED);
// __up_write() on a read-held one unless the owner field names this thread
// (Lock.owner: it was the last reader to take it and still holds it,
// rwsem_set_reader_owned()), so rwsem_owner(sem) == current: then no
// kernel prints anything. The hold is kept, as the count is corrupted
// rather than released.
func (c *Call) unlockWrongMode(l *Lock, held, mode Mode) {
	kernel := DebugOnly
	msg := fmt.Sprintf("%s: %s is held for %s, not %s by this thread", c.Op.Name, l.Name, held, mode)
	c.T.fpOwner(l, false)
	if mode == Write && l.owner == c.T {
		kernel = Unchecked
		msg += " (this thread took the read lock last: sem->owner is current, so even CONFIG_DEBUG_RWSEMS's rwsem_owner(sem) != current check passes)"
	}
	c.K.violateAs(c.T, ruleUnlockWrongMode, kernel, msg)
}

// endWriteAll is vma_end_write_all(): dropping or downgrading the mmap
// write lock ends every VMA write lock of that mm.
func (c *Call) endWriteAll(m *MM) { c.K.mmLockSeqBump(m) }

// mmLockSeqBump moves mm->mm_lock_seq, as mm_lock_seqcount_begin() (taking
// the mmap write lock) and mm_lock_seqcount_end() (dropping or downgrading
// it) do. A VMA is write-locked only while its vm_lock_seq matches the mm's
// sequence, so this ends every VMA write lock of the mm, whichever task
// took it: also one taken, wrongly, without the mmap write lock, which
// would otherwise stay held forever and make the next writer wait for a
// task that may have exited.
func (k *Kernel) mmLockSeqBump(m *MM) {
	for _, t := range k.Tasks {
		for i := len(t.holds) - 1; i >= 0; i-- {
			h := t.holds[i]
			if h.Lock.Class == ClassVMALock && h.Mode == Write && h.Lock.vma.mm == m.Core {
				t.Release(h.Lock, Write)
			}
		}
	}
	m.Core.MMLockSeq++
	k.fp.MMLockSeq(m.Core) // also at a grant in another task's step
}

// rwsemTryFailed is the FailRule of a trylock of an rwsem (name), which
// down_read_trylock()/down_write_trylock() (rwsemFn) fails when the rwsem
// is contended.
func rwsemTryFailed(name, rwsemFn string) *Rule {
	return failureIgnored(name, "the rwsem is not taken",
		"its unlock releases an rwsem it does not hold: lockdep's \"bad unlock balance detected\"; without lockdep up_read()/up_write() "+
			"corrupts the count of the rwsem that another task holds",
		"kernel/locking/rwsem.c: "+rwsemFn+"() returns 0 when the rwsem is contended; "+ruleUnlockNotHeld.Source, Lockdep)
}

func init() {
	mmParam := []Param{{Name: "mm", Type: TMM}}
	vmaParam := []Param{{Name: "vma", Type: TVMA}}

	readLock := func(c *Call) Result { return c.lockThen(c.mm(0).MmapLock, Read, grantDone, Int(0)) }
	writeLock := func(c *Call) Result {
		// mm_lock_seqcount_begin once granted.
		return c.lockThen(c.mm(0).MmapLock, Write, grantMMLockSeqBegin, Int(0))
	}
	// A reader of the mmap lock uses its read side only; a writer also
	// ends or starts every VMA write lock of the mm (mm_lock_seq).
	readSide, writeSide := readLocks(ClassMmapLock), otherLocks(ClassMmapLock, ClassVMALock)
	defOp(&Op{Name: "mmap_read_lock", Params: mmParam, API: mmapLockAPI("mmap_read_lock", "read"), Fn: readLock, Locks: readSide})
	defOp(&Op{Name: "mmap_read_lock_killable", Params: mmParam, Result: TInt,
		API: mmapLockKillableAPI("mmap_read_lock_killable", "read", "down_read_killable"), Fn: readLock, Locks: readSide})
	defOp(&Op{Name: "mmap_write_lock", Params: mmParam, API: mmapLockAPI("mmap_write_lock", "write"), Fn: writeLock, Locks: writeSide})
	defOp(&Op{Name: "mmap_write_lock_killable", Params: mmParam, Result: TInt,
		API: mmapLockKillableAPI("mmap_write_lock_killable", "write", "down_write_killable"), Fn: writeLock, Locks: writeSide})
	defOp(&Op{Name: "mmap_read_trylock", Params: mmParam, Result: TBool,
		API: register(&API{Name: "mmap_read_trylock", Section: "1.1", Hold: "nothing",
			Takes: "mm->mmap_lock (read) if free and no writer is queued", Sleeps: "no",
			Source:   "include/linux/mmap_lock.h: mmap_read_trylock()",
			Notes:    "fails while a writer holds or waits for the lock, so it never deadlocks",
			FailRule: rwsemTryFailed("mmap_read_trylock", "down_read_trylock"),
			MustCheck: "include/linux/mmap_lock.h: static inline bool __must_check mmap_read_trylock(struct mm_struct *mm), since 52f657e34d7b " +
				"(\"x86: shadow stacks: proper error handling for mmap lock\", 2026, with mmap_read_lock_killable() and mmap_write_lock_killable())"}),
		Locks: readSide,
		Fn:    func(c *Call) Result { l := c.mm(0).MmapLock; return c.tried(l, c.T.TryAcquire(l, Read)) }})
	olderReactions["mmap_read_trylock/result-unused"] = []VersionReaction{{Mainline, Unchecked,
		"include/linux/mmap_lock.h (6.18): static inline bool mmap_read_trylock(struct mm_struct *mm): no __must_check, the compiler says nothing"}}
	defOp(&Op{Name: "mmap_write_trylock", Params: mmParam, Result: TBool,
		API: register(&API{Name: "mmap_write_trylock", Section: "1.1", Hold: "nothing",
			Takes: "mm->mmap_lock (write) if free", Sleeps: "no",
			Source: "include/linux/mmap_lock.h: mmap_write_trylock()",
			Notes: "no longer in the kernel: deleted in v6.6 by \"mm: delete mmap_write_trylock() and vma_try_start_write()\" (Hugh Dickins, 2023; " +
				"khugepaged was its only user); kept as a script operation for down_write_trylock() on the mmap lock",
			FailRule: rwsemTryFailed("mmap_write_trylock", "down_write_trylock")}),
		Locks: writeSide,
		Fn: func(c *Call) Result {
			m := c.mm(0)
			if c.T.TryAcquire(m.MmapLock, Write) {
				c.K.mmLockSeqBump(m)
				return done(Bool(true))
			}
			return c.tried(m.MmapLock, false)
		}})
	defOp(&Op{Name: "mmap_read_unlock", Params: mmParam,
		API: rwsemUnlockAPI("mmap_read_unlock", "mm->mmap_lock for read", "include/linux/mmap_lock.h: mmap_read_unlock()"),
		// It reads the mm argument (never freed) and the caller's holds.
		Locks: readSide, Release: &Release{Mode: Read, Lock: argLock(func(m *MM) *Lock { return m.MmapLock })},
		Fn: func(c *Call) Result { return c.release(c.mm(0).MmapLock, Read) }})
	defOp(&Op{Name: "mmap_write_unlock", Params: mmParam,
		API: rwsemUnlockAPI("mmap_write_unlock", "mm->mmap_lock for write",
			"include/linux/mmap_lock.h: mmap_write_unlock() -> vma_end_write_all()"),
		Locks: writeSide,
		Fn: func(c *Call) Result {
			m := c.mm(0)
			if m.MmapLock.heldBy(c.T) == Write {
				c.endWriteAll(m)
			}
			return c.release(m.MmapLock, Write)
		}})
	defOp(&Op{Name: "mmap_write_downgrade", Params: mmParam,
		API: unlockAPI("mmap_write_downgrade", "mm->mmap_lock for write; afterwards holds it for read and no VMA write locks",
			"include/linux/mmap_lock.h: mmap_write_downgrade() -> vma_end_write_all(), downgrade_write()"),
		Locks: writeSide,
		Fn: func(c *Call) Result {
			m := c.mm(0)
			if m.MmapLock.heldBy(c.T) != Write {
				c.K.unlockImbalance(c.T, m.MmapLock, Write,
					c.K.violate(c.T, ruleUnlockNotHeld, fmt.Sprintf("mmap_write_downgrade: %s is not held for write by this thread", m.MmapLock.Name)))
				return ok
			}
			c.endWriteAll(m)
			c.T.Downgrade(m.MmapLock)
			return ok
		}})

	// mmap_lock_is_contended(mm) (include/linux/mmap_lock.h):
	// rwsem_is_contended(&mm->mmap_lock), whether a task waits for it.
	defOp(&Op{Name: "mmap_lock_is_contended", Params: mmParam, Result: TBool,
		API: register(&API{Name: "mmap_lock_is_contended", Section: "1.1", Hold: "nothing (the caller usually holds the lock, to decide whether to drop it)",
			Takes: "nothing", Sleeps: "no", Source: "include/linux/mmap_lock.h: mmap_lock_is_contended() -> rwsem_is_contended()",
			Notes: "true while a task is queued on mm->mmap_lock: a long walk under the lock (the OOM reaper, khugepaged's scan, /proc/pid/pagemap) drops it and " +
				"retries so the waiter gets in",
			Query: "Whether a task waits for the mmap lock now: asking is never wrong, and the answer may change at once; it decides only whether the caller drops the lock early, " +
				"never whether something is safe",
			Cites: []Cite{cite("include/linux/mmap_lock.h", "mmap_lock_is_contended()", "none: return rwsem_is_contended(&mm->mmap_lock);", readLockH),
				cite("include/linux/rwsem.h", "rwsem_is_contended()", "none: return !list_empty(&sem->wait_list); (\"a heuristic meant to be called by somebody already holding the rwsem\")", readRwsemH)},
			Sequence: "mmap_read_lock(mm);\nfor_each_vma(vmi, vma) {\n\t/* scan vma */\n\tif (mmap_lock_is_contended(mm)) {\n\t\tmmap_read_unlock(mm);\n\t\tcond_resched();\n\t\tmmap_read_lock(mm);\n\t\t/* look the next VMA up again */\n\t}\n}\nmmap_read_unlock(mm);"}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			l := c.mm(0).MmapLock
			c.K.fpLockObserve(l)
			return done(Bool(l.HasWaiters()))
		}})

	// The per-VMA lock.
	defOp(&Op{Name: "lock_vma_under_rcu", Path: true, Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}}, Result: TVMA,
		API: register(&API{Name: "lock_vma_under_rcu", Section: "2.19",
			Hold:    "nothing (a live mm); fine under the mmap read lock",
			Takes:   "RCU -> VMA read lock (vm_refcnt) -> RCU unlock",
			Sleeps:  "no (fails instead of waiting)",
			Asserts: "RCU_LOCKDEP_WARN in vma_start_read",
			Source:  "mm/mmap_lock.c: lock_vma_under_rcu(), vma_start_read()",
			Notes:   "returns nil when no VMA covers addr or the VMA is write-locked or a writer waits; the caller falls back to the mmap lock",
			NullResult: "when no VMA covers the address or the VMA is being modified (write-locked, a writer waits for its readers, or it was detached or reused under RCU); " +
				"the caller then falls back to the mmap read lock (process_addrs.rst \"Lock usage\"; arch/x86/mm/fault.c: do_user_addr_fault() -> lock_mm_and_find_vma())"})})
	// mas_walk_start_read: the RCU section of lock_vma_under_rcu() as one
	// step, so that the library's lock_vma_under_rcu (kernel/vma_lock.mms)
	// costs the explorer what the operation did. Split into
	// rcu_read_lock, vma_find, vma_start_read and rcu_read_unlock, the
	// window between the walk and the lock multiplies the interleavings of
	// every fault (mmlocks_N5: 77723 states became 731046) and shows
	// nothing today's kernel can do there (its vma_start_read() fails on
	// a VMA a writer detached or write-locked meanwhile, as the walk after
	// the writer does); the rcu_read_unlock() alone, a step of its own,
	// doubles them (164642). A script that models a kernel which read the
	// VMA in the window (v6.4's vma->anon_vma check) writes its
	// lock_vma_under_rcu with those steps.
	defOp(&Op{Name: "mas_walk_start_read", Params: []Param{{Name: "mm", Type: TMM}, {Name: "address", Type: TInt}}, Result: TVMA,
		API: register(&API{Name: "mas_walk_start_read", Section: "2.19",
			Hold:    "nothing (a live mm)",
			Takes:   "RCU -> the VMA read lock (vm_refcnt) of the VMA at address, unless it is write-locked, a writer waits, or none is there -> RCU unlock",
			Sleeps:  "no (fails instead of waiting)",
			Asserts: "none of its own (vma_start_read()'s RCU_LOCKDEP_WARN holds inside its RCU section)",
			Source:  "mm/mmap_lock.c: lock_vma_under_rcu(): rcu_read_lock(); vma = mas_walk(&mas); ... vma = vma_start_read(mm, vma); ... rcu_read_unlock();",
			Notes: "no kernel function of this name: mmscript's one step for the RCU section of the library's lock_vma_under_rcu (kernel/vma_lock.mms), " +
				"mas_walk() of MA_STATE(mas, &mm->mm_mt, address, address) and vma_start_read(mm, vma), the RCU section left on either outcome as the kernel leaves it; " +
				"nil when no VMA covers the address or its lock refuses readers (write-locked, or a writer waits for its readers), and lock_vma_under_rcu() returns NULL. " +
				"A script modelling a kernel that did something between the walk and the lock writes them apart: rcu_read_lock(); " +
				"vma = vma_find(mm, address, address + 1); ... vma = vma_start_read(mm, vma); rcu_read_unlock()",
			Cites: []Cite{cite("mm/mmap_lock.c", "lock_vma_under_rcu()", "rcu_read_lock(); vma = mas_walk(&mas); if (!vma) { rcu_read_unlock(); goto inval; } vma = vma_start_read(mm, vma); "+
				"if (IS_ERR_OR_NULL(vma)) { ... goto inval; } rcu_read_unlock();", readLockC)},
			Sequence: "vma = lock_vma_under_rcu(mm, address);    /* kernel/vma_lock.mms: its one step mas_walk_start_read(mm, address) */\nif (!vma)\n\tgoto lock_mmap;"}),
		Touches: mmArgUsers(nil),
		Fn: func(c *Call) Result {
			m := c.mm(0)
			c.checkMMUsers(m)
			// mas_walk(): the tree read, refused when the VMA it found
			// refuses readers (VMALookupRCU); finding none is a plain
			// read, which every change of the tree orders. The RCU
			// section begins and ends in the step: nothing of it shows.
			v := m.Core.VMALookup(c.addr(1))
			if v == nil {
				c.K.fp.VMALookupRCU(m.Core, false)
				return done(Nil)
			}
			if !c.T.TryAcquire(c.K.vmaState(v).Lock, Read) {
				c.K.fp.VMALookupRCU(m.Core, true)
				return done(Nil)
			}
			c.K.fp.VMALookupRCU(m.Core, false)
			return done(Obj(TVMA, v))
		}})
	defOp(&Op{Name: "vma_start_read_locked", Params: vmaParam, Result: TBool,
		API: register(&API{Name: "vma_start_read_locked", Section: "1.1",
			Hold:    "the mmap lock (read or write)",
			Takes:   "VMA read lock (vm_refcnt)",
			Sleeps:  "no",
			Asserts: "mmap_assert_locked()",
			Source:  "include/linux/mmap_lock.h: vma_start_read_locked()",
			Notes:   "does not fail on contention (also succeeds on a VMA the caller itself write-locked), but returns false for a detached VMA; check the result",
			Rules: []*Rule{{"vma_start_read_locked/needs-mmap-lock", "vma_start_read_locked() is called with the mmap lock held",
				"include/linux/mmap_lock.h: vma_start_read_locked() -> mmap_assert_locked()", WARN}}}),
		Fn: vmaStartReadLocked("vma_start_read_locked")})
	defOp(&Op{Name: "vma_start_read_locked_nested", Params: []Param{{Name: "vma", Type: TVMA}, {Name: "subclass", Type: TInt, Optional: true, Default: Int(1)}}, Result: TBool,
		API: register(&API{Name: "vma_start_read_locked_nested", Section: "1.1",
			Hold:    "the mmap lock (read or write)",
			Takes:   "VMA read lock (vm_refcnt), lockdep subclass subclass (SINGLE_DEPTH_NESTING for a second VMA)",
			Sleeps:  "no",
			Asserts: "mmap_assert_locked()",
			Source:  "include/linux/mmap_lock.h: vma_start_read_locked_nested()",
			Notes: "vma_start_read_locked() with a lockdep subclass, for a second VMA read-locked beside the first (mm/userfaultfd.c: uffd_move_lock() " +
				"locks the destination with vma_start_read_locked() and the source with vma_start_read_locked_nested(src, SINGLE_DEPTH_NESTING)); " +
				"does not fail on contention but returns false for a detached VMA. A VMA read lock is a trylock to lockdep: no dependency into it, but the locks taken under it are ordered after its subclass's class (vm_lock/1)",
			Rules: []*Rule{{"vma_start_read_locked_nested/needs-mmap-lock", "vma_start_read_locked_nested() is called with the mmap lock held",
				"include/linux/mmap_lock.h: vma_start_read_locked_nested() -> mmap_assert_locked()", WARN}},
			Cites: []Cite{cite("include/linux/mmap_lock.h", "vma_start_read_locked_nested()",
				"mmap_assert_locked(vma->vm_mm); if (!__refcount_inc_not_zero_limited_acquire(&vma->vm_refcnt, &oldcnt, VM_REFCNT_LIMIT)) return false; rwsem_acquire_read(&vma->vmlock_dep_map, subclass, 1, _RET_IP_);", readMmapLock)},
			Sequence: "mmap_read_lock(mm);\nif (!vma_start_read_locked(dst_vma) ||\n    !vma_start_read_locked_nested(src_vma, SINGLE_DEPTH_NESTING))\n\tgoto fallback;    /* detached */\nmmap_read_unlock(mm);\n/* ... */\nvma_end_read(src_vma);\nvma_end_read(dst_vma);"}),
		Touches: readsVMA,
		Fn:      vmaStartReadLocked("vma_start_read_locked_nested")})
	defOp(&Op{Name: "vma_end_read", Params: vmaParam,
		API: unlockAPI("vma_end_read", "the VMA read lock",
			"include/linux/mmap_lock.h: vma_end_read() -> vma_refcount_put()"),
		Fn: func(c *Call) Result {
			// A VMA this task holds read-locked cannot be freed (the
			// detach waits for its readers); one it does not hold may
			// have been, and vma_refcount_put() then writes freed memory.
			v := c.vma(0)
			return c.release(c.K.vmaState(v).Lock, Read)
		}})
	defOp(&Op{Name: "vma_start_write", Params: vmaParam,
		API: register(&API{Name: "vma_start_write", Section: "1.1",
			Hold:    "the mmap lock for write",
			Takes:   "VMA write lock: excludes new readers, waits for current ones",
			Sleeps:  "yes (TASK_UNINTERRUPTIBLE wait for readers)",
			Asserts: "mmap_assert_write_locked()",
			Source:  "include/linux/mmap_lock.h: vma_start_write(); mm/mmap_lock.c: __vma_start_write()",
			Notes: "no vma_end_write(): the lock ends at mmap_write_unlock()/mmap_write_downgrade(). It is a mark (vm_lock_seq = mm_lock_seq), not a lock " +
				"its task holds: on a VMA marked already in the current mm_lock_seq it returns at once, whoever set the mark",
			Rules: []*Rule{ruleStartWrite, ruleSleepInAtomic}}),
		Fn: func(c *Call) Result { return c.vmaStartWrite(c.vma(0), ruleStartWrite, func() Result { return ok }) }})

	defOp(&Op{Name: "vma_start_write_killable", Params: vmaParam, Result: TInt,
		API: register(&API{Name: "vma_start_write_killable", Section: "1.1",
			Hold:    "the mmap lock for write",
			Takes:   "VMA write lock: excludes new readers, waits (TASK_KILLABLE) for current ones",
			Sleeps:  "yes (TASK_KILLABLE wait for readers)",
			Asserts: "mmap_assert_write_locked()",
			Source:  "include/linux/mmap_lock.h: vma_start_write_killable(); mm/mmap_lock.c: __vma_start_write()",
			Notes: "vma_start_write() whose wait for readers a fatal signal ends: returns 0 when write-locked, -EINTR otherwise (__must_check). " +
				"mmscript sends no signals, so it returns 0 once the readers have left. No vma_end_write(): the lock ends at mmap_write_unlock()/mmap_write_downgrade()",
			Rules:     []*Rule{ruleStartWrite, ruleSleepInAtomic},
			MustCheck: "include/linux/mmap_lock.h: static inline __must_check int vma_start_write_killable(struct vm_area_struct *vma)",
			Cites: []Cite{cite("include/linux/mmap_lock.h", "vma_start_write_killable()",
				"if (__is_vma_write_locked(vma)) return 0; return __vma_start_write(vma, TASK_KILLABLE); (__is_vma_write_locked() -> __vma_raw_mm_seqnum() -> mmap_assert_write_locked())", readLockH)},
			Sequence: "mmap_write_lock(mm);\nerr = vma_start_write_killable(vma);\nif (err) {\n\tmmap_write_unlock(mm);\n\treturn err;    /* -EINTR */\n}\n/* change the VMA */\nmmap_write_unlock(mm);"}),
		Touches: writesVMA,
		Fn: func(c *Call) Result {
			return c.vmaStartWrite(c.vma(0), ruleStartWrite, func() Result { return done(Int(0)) })
		}})

	// vma_try_start_write: the v6.4/v6.5 trylock retract_page_tables() used
	// under i_mmap_rwsem, where vma_start_write() inverts the lock order.
	defOp(&Op{Name: "vma_try_start_write", Params: vmaParam, Result: TBool,
		API: register(&API{Name: "vma_try_start_write", Section: "1.1",
			Hold:    "the mmap lock for write",
			Takes:   "VMA write lock if no reader holds the VMA, else nothing: it never waits, so it may be tried under a lock ordered after the VMA lock (i_mmap_rwsem)",
			Sleeps:  "no",
			Asserts: "mmap_assert_write_locked() (__is_vma_write_locked())",
			Source:  "include/linux/mm.h (v6.4, v6.5): vma_try_start_write(); removed in v6.6 with retract_page_tables()'s mmap lock (1d65b771bc08)",
			Notes:   "true when the VMA is write-locked (already, or now), false when a reader holds it; a trylock: lockdep records the hold without an ordering check",
			Rules:   []*Rule{ruleStartWrite},
			Cites: []Cite{cite("include/linux/mm.h", "vma_try_start_write() (v6.4)",
				"if (__is_vma_write_locked(vma, &mm_lock_seq)) return true; if (!down_write_trylock(&vma->vm_lock->lock)) return false; vma->vm_lock_seq = mm_lock_seq; up_write(&vma->vm_lock->lock); return true;", readTryStartWrite)},
			Sequence: "i_mmap_lock_write(mapping);\nif (mmap_write_trylock(mm)) {\n\tif (vma_try_start_write(vma))\n\t\t/* retract the table */;\n\tmmap_write_unlock(mm);\n}\ni_mmap_unlock_write(mapping);"}),
		Touches: writesVMA,
		Fn: func(c *Call) Result {
			v := c.vma(0)
			s := c.K.vmaState(v)
			if s.Lock.writer != nil || s.New || !v.Attached() {
				// Marked already, or nobody can read it: as vma_start_write,
				// which takes no lock then either.
				return c.vmaStartWrite(v, ruleStartWrite, func() Result { return done(Bool(true)) })
			}
			m := mmOf(v.MM())
			c.mmapAssertLocked(m, true, ruleStartWrite, fmt.Sprintf("%s: %s needs %s held for write", c.Op.Name, VMAName(v), m.MmapLock.Name))
			c.K.fpLockObserve(s.Lock)
			// down_write_trylock(): no wait, and no lock-order check
			return done(Bool(c.T.TryAcquire(s.Lock, Write)))
		}})

	// RCU.
	defOp(&Op{Name: "rcu_read_lock",
		API: register(&API{Name: "rcu_read_lock", Section: "1.1", Hold: "nothing", Takes: "an RCU read-side critical section (nests)",
			Sleeps: "no; nothing inside may sleep", Source: "include/linux/rcupdate.h: rcu_read_lock()",
			Opens: []*Rule{ruleSchedRCU}}),
		Fn: func(c *Call) Result { c.T.rcuLock(); return ok }})
	defOp(&Op{Name: "rcu_read_unlock",
		API: register(&API{Name: "rcu_read_unlock", Section: "1.1", Hold: "an RCU read-side critical section",
			Sleeps: "no", Source: "include/linux/rcupdate.h: rcu_read_unlock()", Rules: []*Rule{ruleRCUUnbalanced}}),
		Fn: func(c *Call) Result {
			if !c.T.rcuUnlock() {
				c.K.violate(c.T, ruleRCUUnbalanced, "rcu_read_unlock without rcu_read_lock")
			}
			return ok
		}})

	// rmap locks.
	fileParam := []Param{{Name: "file", Type: TFile}}
	for _, x := range []struct {
		name string
		mode Mode
	}{{"i_mmap_lock_read", Read}, {"i_mmap_lock_write", Write}} {
		mode := x.mode
		defOp(&Op{Name: x.name, Params: fileParam,
			API: register(&API{Name: x.name, Section: "1.1", Hold: "not this mapping's i_mmap_rwsem",
				Takes: "mapping->i_mmap_rwsem (" + mode.String() + ")", Sleeps: "yes", Asserts: "lockdep",
				Source: "include/linux/fs.h: " + x.name + "()", Rules: lockRules}),
			Locks: sideOf(mode, ClassIMmapRwsem),
			Fn:    func(c *Call) Result { return c.lockThen(c.file(0).IMmap, mode, grantDone, Nil) }})
	}
	// The filesystem locks above the mmap lock (mm/rmap.c's lock order).
	for _, x := range []struct {
		lock, unlock, src, takes string
		mode                     Mode
		class                    Class
		get                      func(f *File) *Lock
	}{
		{"inode_lock", "inode_unlock", "include/linux/fs.h: inode_lock()", "inode->i_rwsem (write): above the mmap lock, so a write() may fault in its user buffer under it and ->mmap or ->fault must not take it", Write, ClassIRwsem, func(f *File) *Lock { return f.IRwsem }},
		{"inode_lock_shared", "inode_unlock_shared", "include/linux/fs.h: inode_lock_shared()", "inode->i_rwsem (read): above the mmap lock", Read, ClassIRwsem, func(f *File) *Lock { return f.IRwsem }},
		{"filemap_invalidate_lock", "filemap_invalidate_unlock", "include/linux/fs.h: filemap_invalidate_lock()", "mapping->invalidate_lock (write): below the mmap lock (filemap_fault takes it shared under the fault's lock), above the VMA and i_mmap locks (truncate: unmap_mapping_range)", Write, ClassInvalidateLock, func(f *File) *Lock { return f.InvalidateLock }},
		{"filemap_invalidate_lock_shared", "filemap_invalidate_unlock_shared", "include/linux/fs.h: filemap_invalidate_lock_shared()", "mapping->invalidate_lock (read): what filemap_fault() takes when it must read a page in", Read, ClassInvalidateLock, func(f *File) *Lock { return f.InvalidateLock }},
	} {
		x := x
		defOp(&Op{Name: x.lock, Params: fileParam,
			API: register(&API{Name: x.lock, Section: "1.1", Hold: "not this lock; nothing below it in the mm lock order (the mmap lock for i_rwsem)",
				Takes: x.takes, Sleeps: "yes", Asserts: "lockdep", Source: x.src, Rules: lockRules}),
			Touches: touchesLocksOnly,
			Locks:   sideOf(x.mode, x.class),
			Fn:      func(c *Call) Result { return c.lockThen(x.get(c.file(0)), x.mode, grantDone, Nil) }})
		defOp(&Op{Name: x.unlock, Params: fileParam,
			API:     rwsemUnlockAPI(x.unlock, strings.TrimSuffix(x.takes[:strings.Index(x.takes, ")")+1], ""), strings.Replace(x.src, x.lock, x.unlock, 1)),
			Touches: touchesLocksOnly,
			Locks:   sideOf(x.mode, x.class),
			Release: fileRelease(x.mode, x.get),
			Fn:      func(c *Call) Result { return c.release(x.get(c.file(0)), x.mode) }})
	}
	defOp(&Op{Name: "i_mmap_unlock_read", Params: fileParam,
		API:   rwsemUnlockAPI("i_mmap_unlock_read", "mapping->i_mmap_rwsem for read", "include/linux/fs.h: i_mmap_unlock_read()"),
		Locks: sideOf(Read, ClassIMmapRwsem), Release: fileRelease(Read, func(f *File) *Lock { return f.IMmap }),
		Fn: func(c *Call) Result { return c.release(c.file(0).IMmap, Read) }})
	defOp(&Op{Name: "i_mmap_unlock_write", Params: fileParam,
		API:   rwsemUnlockAPI("i_mmap_unlock_write", "mapping->i_mmap_rwsem for write", "include/linux/fs.h: i_mmap_unlock_write()"),
		Locks: sideOf(Write, ClassIMmapRwsem), Release: fileRelease(Write, func(f *File) *Lock { return f.IMmap }),
		Fn: func(c *Call) Result { return c.release(c.file(0).IMmap, Write) }})
	for _, x := range []struct {
		name string
		mode Mode
	}{{"anon_vma_lock_read", Read}, {"anon_vma_lock_write", Write}} {
		mode := x.mode
		defOp(&Op{Name: x.name, Params: vmaParam,
			API: register(&API{Name: x.name, Section: "1.1", Hold: "not this anon_vma's rwsem",
				Takes: "vma->anon_vma->root->rwsem (" + mode.String() + ")", Sleeps: "yes", Asserts: "lockdep",
				Source: "mm/internal.h (include/linux/rmap.h in 6.18): " + x.name + "()", Rules: lockRules,
				Notes: "mmscript takes the VMA and locks its anon_vma; the VMA must have one (anon_vma_prepare)"}),
			Fn: func(c *Call) Result {
				l, err := c.K.anonVMALock(c.vma(0))
				if err != nil {
					return fail("%s: %v", c.Op.Name, err)
				}
				return c.lockThen(l, mode, grantDone, Nil)
			}})
	}
	for _, x := range []struct {
		name string
		mode Mode
	}{{"anon_vma_unlock_read", Read}, {"anon_vma_unlock_write", Write}} {
		mode := x.mode
		defOp(&Op{Name: x.name, Params: vmaParam,
			API: rwsemUnlockAPI(x.name, "the anon_vma rwsem for "+mode.String(), "mm/internal.h (include/linux/rmap.h in 6.18): "+x.name+"()"),
			Fn: func(c *Call) Result {
				// anon_vma_unlock_*(vma->anon_vma) reads the VMA: a freed
				// one is a use after free.
				l, err := c.K.anonVMAUnlockLock(c.vma(0))
				if err != nil {
					return fail("%s: %v", c.Op.Name, err)
				}
				return c.release(l, mode)
			}})
	}

	// The folio lock.
	pageParam := []Param{{Name: "page", Type: TPage}}
	defOp(&Op{Name: "folio_lock", Params: pageParam,
		API: register(&API{Name: "folio_lock", Section: "1.1", Hold: "not this folio's lock", Takes: "the folio lock (PG_locked)",
			Sleeps: "yes", Asserts: "might_sleep(); no lockdep map, so order and recursion go unchecked",
			Source: "include/linux/folio_wait.h (include/linux/pagemap.h in 6.18): folio_lock()", Rules: []*Rule{ruleSleepInAtomic},
			Notes: "documented order: mmap_lock -> folio_lock -> VMA write lock -> i_mmap_rwsem; a violation shows only as the deadlock it causes"}),
		Fn: func(c *Call) Result { return c.lockThen(c.K.folioLock(c.page(0)), Write, grantDone, Nil) }})
	defOp(&Op{Name: "folio_trylock", Params: pageParam, Result: TBool,
		API: register(&API{Name: "folio_trylock", Section: "1.1", Hold: "nothing", Takes: "the folio lock if free",
			Sleeps: "no", Source: "include/linux/folio_wait.h (include/linux/pagemap.h in 6.18): folio_trylock()",
			FailRule: failureIgnored("folio_trylock", "another thread holds the folio lock",
				"PG_locked has no owner, so the caller's folio_unlock() clears the bit under the holder and prints nothing; the holder's own "+
					"folio_unlock() then finds the folio unlocked (VM_BUG_ON_FOLIO, CONFIG_DEBUG_VM), and whoever locks the folio meanwhile "+
					"works on it beside the holder",
				"include/linux/pagemap.h: folio_trylock(): return likely(!test_and_set_bit_lock(PG_locked, folio_flags(folio, 0))); "+
					"mm/filemap.c: folio_unlock(): VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio); folio_xor_flags_has_waiters(folio, 1 << PG_locked)", Unchecked)}),
		Fn: func(c *Call) Result { l := c.K.folioLock(c.page(0)); return c.tried(l, c.T.TryAcquire(l, Write)) }})
	defOp(&Op{Name: "folio_unlock", Params: pageParam,
		API: register(&API{Name: "folio_unlock", Section: "1.1", Hold: "the folio lock, taken by this thread or another (PG_locked has no owner)",
			Sleeps: "no", Asserts: "VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio) (CONFIG_DEBUG_VM); no lockdep map",
			Source: "mm/folio_wait.c (mm/filemap.c in 6.18): folio_unlock()", Rules: []*Rule{ruleFolioUnlockNotLocked}}),
		Fn: func(c *Call) Result {
			return c.clearLockBit(c.K.folioLock(c.page(0)), "folio_unlock", "PG_locked of ", "locked", ruleFolioUnlockNotLocked)
		}})

	// Spinlocks named by field: spin_lock(m.page_table_lock).
	lockParam := []Param{{Name: "lock", Type: TLock}}
	defOp(&Op{Name: "spin_lock", Params: lockParam,
		API: register(&API{Name: "spin_lock", Section: "1.1", Hold: "not this lock", Takes: "the spinlock; the holder must not sleep",
			Sleeps: "no (spins)", Asserts: "lockdep", Source: "include/linux/spinlock.h: spin_lock()",
			Rules: []*Rule{ruleRecursive, ruleCircular}}),
		Fn: func(c *Call) Result {
			l := c.Args[0].Obj.(*Lock)
			if l.Kind != Spin {
				return fail("spin_lock: %s is not a spinlock", l.Name)
			}
			return c.lockThen(l, Write, grantDone, Nil)
		}})
	defOp(&Op{Name: "spin_unlock", Params: lockParam,
		API: unlockAPI("spin_unlock", "the spinlock", "include/linux/spinlock.h: spin_unlock()"),
		Fn: func(c *Call) Result {
			l := c.Args[0].Obj.(*Lock)
			if l.Kind != Spin {
				return fail("spin_unlock: %s is not a spinlock", l.Name)
			}
			return c.release(l, Write)
		}})

	// A script's own mutexes (mutex NAME).
	mutexOf := func(c *Call) (*Lock, Result, bool) {
		l := c.Args[0].Obj.(*Lock)
		if l.Kind != BitLock || l.Class < ClassUser || l.nodep {
			return nil, fail("%s: %s is not a mutex", c.Op.Name, l.Name), false
		}
		return l, ok, true
	}
	defOp(&Op{Name: "mutex_lock", Params: lockParam,
		API: register(&API{Name: "mutex_lock", Section: "1.2", Hold: "not this mutex; no spinlock, no RCU",
			Takes: "the mutex (sleeping); lockdep orders it against every other lock", Sleeps: "yes",
			Asserts: "might_sleep(), lockdep", Source: "kernel/locking/mutex.c: mutex_lock()", Rules: lockRules}),
		Fn: func(c *Call) Result {
			l, r, good := mutexOf(c)
			if !good {
				return r
			}
			return c.lockThen(l, Write, grantDone, Nil)
		}})
	defOp(&Op{Name: "mutex_trylock", Params: lockParam, Result: TBool,
		API: register(&API{Name: "mutex_trylock", Section: "1.2", Hold: "nothing", Takes: "the mutex if free",
			Sleeps: "no", Source: "kernel/locking/mutex.c: mutex_trylock()",
			FailRule: failureIgnored("mutex_trylock", "the mutex is not taken",
				"its mutex_unlock() releases a mutex it does not hold: lockdep's \"bad unlock balance detected\"; CONFIG_DEBUG_MUTEXES warns "+
					"that the owner is another task; without them the holder's mutex is released under it",
				"kernel/locking/mutex.c: mutex_trylock() kernel-doc \"Returns 1 if the mutex has been acquired successfully, and 0 on contention\"; "+
					"__mutex_unlock_slowpath(): MUTEX_WARN_ON(__owner_task(owner) != current); "+ruleUnlockNotHeld.Source, Lockdep)}),
		Fn: func(c *Call) Result {
			l, r, good := mutexOf(c)
			if !good {
				return r
			}
			return c.tried(l, c.T.TryAcquire(l, Write))
		}})
	defOp(&Op{Name: "mutex_unlock", Params: lockParam,
		API: unlockAPI("mutex_unlock", "the mutex", "kernel/locking/mutex.c: mutex_unlock()"),
		Fn: func(c *Call) Result {
			l, r, good := mutexOf(c)
			if !good {
				return r
			}
			return c.release(l, Write)
		}})

	// Sleeping.
	defOp(&Op{Name: "might_sleep",
		API: register(&API{Name: "might_sleep", Section: "1.3", Hold: "no spinlock, no RCU read section",
			Sleeps: "may", Asserts: "CONFIG_DEBUG_ATOMIC_SLEEP", Source: "include/linux/kernel.h: might_sleep()",
			Rules: []*Rule{ruleSleepInAtomic}}),
		Fn: func(c *Call) Result { c.T.MightSleep("might_sleep()"); return ok }})
	defOp(&Op{Name: "msleep", Params: []Param{{Name: "ms", Type: TInt, Optional: true, Default: Int(1)}},
		API: register(&API{Name: "msleep", Section: "1.3", Hold: "no spinlock, no RCU read section",
			Sleeps: "yes (always: schedule_timeout_uninterruptible())", Asserts: "no might_sleep() of its own: schedule() -> schedule_debug() on every kernel (\"BUG: scheduling while atomic\"), rcu_note_context_switch() in an RCU reader",
			Source: "kernel/time/sleep_timeout.c: msleep(), schedule_timeout()",
			Rules:  []*Rule{ruleSchedAtomic, ruleSchedRCU, ruleSchedIRQsOff}}),
		Fn: func(c *Call) Result {
			// msleep() -> schedule_timeout_uninterruptible() ->
			// schedule_timeout() -> schedule(): no __might_sleep() on
			// the way, so a debug kernel prints no "sleeping function
			// called from invalid context" here, only what schedule()
			// itself checks.
			c.T.Schedule("msleep()")
			return ok
		},
		Yields: true})
}

var ruleStartWrite = &Rule{"vma_start_write/needs-mmap-write", "vma_start_write() needs the mmap lock held for write",
	"include/linux/mmap_lock.h: __vma_raw_mm_seqnum() -> mmap_assert_write_locked()", WARN}

// vmaStartWrite write-locks v for the task: the mmap write lock must be
// held; the wait for readers is skipped for a VMA being set up (detached,
// vm_refcnt == 0) and when the task already write-locked it in this
// section.
func (c *Call) vmaStartWrite(v *mmcore.VMA, r *Rule, k func() Result) Result {
	return c.vmaStartWriteThen(v, r, k, false)
}

// vmaStartWriteThen is vmaStartWrite; with reenter, a wait for readers
// keeps no closure: once granted, the operation runs again from its start
// (lockThen, grantReenter), and k is not called.
func (c *Call) vmaStartWriteThen(v *mmcore.VMA, r *Rule, k func() Result, reenter bool) Result {
	m := mmOf(v.MM())
	// The message is made only for a report (mmapAssertLocked returns
	// at once, without a footprint, when the task holds it for write):
	// it was three allocations per vma_start_write.
	if m.MmapLock.heldBy(c.T) != Write {
		c.mmapAssertLocked(m, true, r, fmt.Sprintf("%s: %s needs %s held for write", c.Op.Name, VMAName(v), m.MmapLock.Name))
	}
	c.coreDumpCheck(m, c.Op.Name) // every VMA change starts here
	s := c.K.vmaState(v)
	if s.Lock.writer == c.T {
		return k()
	}
	c.T.MightSleep(c.Op.Name + " (vma_start_write)")
	c.K.fpLockObserve(s.Lock) // whether it is marked decides the wait
	if w := s.Lock.writer; w != nil {
		// Write-locked already, by another task: the VMA's vm_lock_seq
		// is the mm's current mm_lock_seq (any move of it, at an mmap
		// write lock, unlock or downgrade, ended the mark:
		// mmLockSeqBump), and __is_vma_write_locked() returns true, so
		// vma_start_write() returns at once; it never waits for the
		// task that set the mark, which is no lock holder and may have
		// exited. One of the two broke the rule that only the mmap write
		// lock's holder write-locks VMAs (reported by the assertion
		// above); the mark belongs to that holder, so it moves to this
		// task when it holds the mmap write lock.
		if m.MmapLock.heldBy(c.T) == Write {
			if i := w.hold(s.Lock); i >= 0 {
				w.pop(i)
			}
			c.T.fpLock(s.Lock, true)
			s.Lock.writer = c.T
			c.T.push(s.Lock, Write, false)
		}
		return k()
	}
	if s.New || !v.Attached() {
		s.Lock.grant(c.T, Write)
		c.T.push(s.Lock, Write, false)
		return k()
	}
	if reenter {
		return c.lockThen(s.Lock, Write, grantReenter, Nil)
	}
	return c.lock(s.Lock, Write, k)
}

func (t *Task) rcuLock() {
	t.rcu++
	t.k.clock++
	t.holds = append(t.holds, Hold{Lock: t.k.rcuLock, Mode: Read, Pos: t.Pos, seq: t.k.clock})
	t.readerChange()
}

func (t *Task) rcuUnlock() bool {
	for i := len(t.holds) - 1; i >= 0; i-- {
		if t.holds[i].Lock == t.k.rcuLock {
			t.holds = append(t.holds[:i], t.holds[i+1:]...)
			t.rcu--
			t.readerChange()
			return true
		}
	}
	return false
}

// anonVMALock returns the rwsem of v's anon_vma.
func (k *Kernel) anonVMALock(v *mmcore.VMA) (*Lock, error) {
	av := v.AnonVMA()
	if av == nil {
		return nil, fmt.Errorf("%s has no anon_vma (call anon_vma_prepare first)", VMAName(v))
	}
	l, ok := av.Lock.(*Lock)
	if !ok {
		l = NewLock(ClassAnonVMARwsem, RWSem, VMAName(v)+"->anon_vma->rwsem")
		av.Lock = l
	}
	if s := k.vmaState(v); s.anonLock != l {
		s.anonLock = l
	}
	return l, nil
}

// anonVMAUnlockLock is the lock an unlock through v releases: v's
// anon_vma's, or, for a VMA munmap freed (its use reported by vma()), the
// one its stale anon_vma pointer names.
func (k *Kernel) anonVMAUnlockLock(v *mmcore.VMA) (*Lock, error) {
	l, err := k.anonVMALock(v)
	if err != nil && !v.Attached() {
		if s := k.vmaState(v); s.anonLock != nil {
			return s.anonLock, nil
		}
	}
	return l, err
}

// mmapAssertLocked is mmap_assert_locked(), or mmap_assert_write_locked()
// with write (include/linux/mmap_lock.h -> include/linux/rwsem.h:
// rwsem_assert_held(), rwsem_assert_held_write()). With CONFIG_LOCKDEP,
// lockdep_assert_held() warns unless this task holds the lock; without it,
// rwsem_assert_held_nolockdep() is WARN_ON(!rwsem_is_locked(sem)) and the
// write variant WARN_ON(!rw_base_is_write_locked()), which fire only when
// nobody holds the lock (so). A broken assertion is therefore a WARN on
// every kernel when the lock is free, and a lockdep-only report when
// another task holds it. It reports r (a WARN rule) and returns false when
// the assertion fails.
func (c *Call) mmapAssertLocked(m *MM, write bool, r *Rule, msg string) bool {
	switch h := m.MmapLock.heldBy(c.T); {
	case h == Write, h == Read && !write:
		return true
	}
	l := m.MmapLock
	c.K.fpLockObserve(l) // whether anyone else holds it decides the report
	if r.Kernel == WARN && (l.writer != nil || !write && len(l.readers) > 0) {
		// Every holder, not the first: readers are kept in task order, so
		// "the first" would name a different thread in a symmetric image
		// of the state, and the finding would not be the image's finding.
		var rel []Related
		for _, o := range holdersOf(l) {
			if i := o.hold(l); i >= 0 {
				rel = append(rel, Related{o.holds[i].Pos, fmt.Sprintf("%s holds %s (taken here): without lockdep, "+
					"rwsem_assert_held*_nolockdep() sees it taken and stays silent", o.Name, l.Name)})
			}
		}
		c.K.violateAs(c.T, r, Lockdep, msg, rel...)
		return false
	}
	c.K.violate(c.T, r, msg)
	return false
}

var ruleFolioUnlockNotLocked = &Rule{"folio_unlock/not-locked",
	"folio_unlock() only of a locked folio; any thread may unlock it (the folio lock has no owner), but unlocking an unlocked folio breaks whoever locks it next",
	"mm/folio_wait.c (mm/filemap.c in 6.18): folio_unlock() VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio)", DebugOnly}

// vmaStartReadLocked is vma_start_read_locked() and
// vma_start_read_locked_nested(), whose rule-book entry name has: the same
// steps, the lockdep subclass aside.
func vmaStartReadLocked(name string) func(c *Call) Result {
	return func(c *Call) Result {
		v := c.vma(0)
		var sub uint8
		if len(c.Args) > 1 {
			// look_up_lock_class() refuses a subclass of
			// MAX_LOCKDEP_SUBCLASSES or more ("BUG: looking up invalid
			// subclass") and turns lockdep off.
			n := c.int(1)
			if n < 0 || n >= maxSubclasses {
				return fail("%s: subclass %d is not a lockdep subclass (0 to %d, MAX_LOCKDEP_SUBCLASSES)", name, n, maxSubclasses-1)
			}
			sub = uint8(n)
		}
		c.mmapAssertLocked(mmOf(v.MM()), false, LookupAPI(name).Rules[0], name+" without the mmap lock held")
		if !v.Attached() {
			return done(Bool(false))
		}
		l := c.K.vmaState(v).Lock
		// vma_start_read_locked_nested() only bumps vm_refcnt
		// (__refcount_inc_not_zero_limited_acquire); once this task's
		// own __vma_start_write() has completed the count is back to
		// 1, so a read lock on a VMA the caller itself write-locked
		// succeeds. Another task cannot hold or wait for the VMA
		// write lock while the caller holds the mmap lock.
		if l.writer != c.T && !l.canGrant(c.T, Read) {
			return done(Bool(false))
		}
		// vma_start_read_locked_nested() bumps vm_refcnt and tells
		// lockdep rwsem_acquire_read(..., trylock=1): it never waits,
		// so no sleep check and no dependency, as for lock_vma_under_rcu.
		l.grant(c.T, Read)
		c.T.pushSub(l, Read, true, sub)
		return done(Bool(true))
	}
}

// clearLockBit is the unlock of a lock that is a bit with no owner
// (PG_locked: folio_unlock(); a bit lock: clear_and_wake_up_bit()): it
// reads the bit and clears it whoever set it, a write of the lock even
// when it is clear (then it only reports, and DPOR must not take it as
// independent of a trylock). A bit set by another thread is cleared for
// it (I/O completion unlocks what the submitter locked); after this
// thread's own failed trylock it is the holder's bit it clears, the
// trylock's ignored failure. A clear bit is rule's report.
func (c *Call) clearLockBit(l *Lock, fn, bitOf, set string, rule *Rule) Result {
	c.T.fpLock(l, true)
	if c.T.Release(l, Write) {
		return ok
	}
	f, failed := c.T.failedTryOf(l)
	if w := l.Writer(); w != nil {
		if failed {
			c.K.failureIgnored(c.T, f, Unchecked, fmt.Sprintf("%s() clears %s%s, which %s holds", fn, bitOf, l.Name, w.Name))
		}
		w.Release(l, Write)
		return ok
	}
	if failed {
		c.K.failureIgnored(c.T, f, rule.Kernel, fmt.Sprintf("%s: %s is not %s (%s)", fn, l.Name, set, rule.Source))
		return ok
	}
	c.K.violate(c.T, rule, fmt.Sprintf("%s: %s is not %s", fn, l.Name, set))
	return ok
}
