package runtime

import "fmt"

// SRCU: a script's `srcu NAME` is a struct srcu_struct (include/linux/srcu.h,
// kernel/rcu/srcutree.c), with real grace periods as RCU has (rcu.go):
//
//   - srcu_read_lock(&ss) enters a read-side section of ss and returns the
//     index of the counters it counted itself on (__srcu_read_lock():
//     ssp->srcu_idx & 1); srcu_read_unlock(&ss, idx) leaves it, counting
//     the unlock on idx (__srcu_read_unlock()). Sections nest, and unlike
//     rcu_read_lock()'s they may sleep: an SRCU reader is no atomic
//     context;
//   - synchronize_srcu(&ss) parks the caller until every read-side section
//     of ss open at the call has ended (__synchronize_srcu():
//     __call_srcu() then wait_for_completion()); sections of ss that begin
//     later, and sections of other srcu_structs, are not waited for. A
//     grace period flips ssp->srcu_idx, so readers that begin after the
//     call count themselves on the other index (srcu_flip());
//   - lockdep sees ss as a lock (include/linux/srcu.h: srcu_lock_acquire()
//     is lock_map_acquire_read(), a recursive read; srcu_lock_sync(),
//     which __synchronize_srcu() calls first, is lock_map_sync(): an empty
//     write-side section, kernel/locking/lockdep.c: lock_sync()). So
//     synchronize_srcu() inside a section of the same ss (srcu/synchronize-in-reader) is "possible
//     recursive locking detected" (check_deadlock(): a write acquisition
//     of a class held for read), and a lock held across synchronize_srcu()
//     that a reader takes inside its section closes a cycle
//     (check_noncircular()). A reader's own acquisition of ss is a
//     recursive read: lockdep records it as -(xR)->, and every dependency
//     out of ss is taken with ss held for read (-(S*)->), so no strong
//     cycle (lockdep's BFS, __bfs() with bfs_check_strong) runs through an
//     edge into a reader: mmscript records none, and checks none.
//
// Where the kernel's SRCU waits on counters, mmscript waits on the tasks
// whose sections were open at the call (the counters' meaning). A
// srcu_read_unlock() with the other index than its srcu_read_lock()
// returned is reported (the kernel checks only that idx is 0 or 1); what
// the corrupted counters do afterwards, a later grace period that never
// ends or one that ends under a reader, is not modelled.

// srcuState is a struct srcu_struct's state beyond its lockdep map (the
// Lock): srcu_idx and the grace periods waited for.
type srcuState struct {
	idx uint64         // ssp->srcu_idx (srcu_sup->srcu_gp_seq's flips)
	gps []*gracePeriod // synchronize_srcu() calls waiting, oldest first
}

var (
	ruleSRCUBadIdx = &Rule{"srcu/bad-idx",
		"srcu_read_unlock() is given the index its srcu_read_lock() returned, 0 or 1",
		"include/linux/srcu.h: srcu_read_unlock(): WARN_ON_ONCE(idx & ~0x1)", WARN}
	// ruleSRCUSyncInReader is what lockdep reports of synchronize_srcu()
	// inside a section of the same srcu_struct: srcu_lock_sync() is a
	// write acquisition of a map the task holds for read, and
	// check_deadlock() prints "possible recursive locking detected".
	// __synchronize_srcu()'s RCU_LOCKDEP_WARN() that follows stays
	// silent then: the splat turned debug_locks off
	// (debug_locks_off_graph_unlock()), which debug_lockdep_rcu_enabled()
	// tests.
	ruleSRCUSyncInReader = &Rule{"srcu/synchronize-in-reader",
		"synchronize_srcu(&ss) is never called inside a read-side section of ss: it waits for that very section, and never returns",
		"include/linux/srcu.h: srcu_lock_sync() -> lock_map_sync(); kernel/locking/lockdep.c: lock_sync(), check_deadlock() \"possible recursive locking detected\"; " +
			"kernel/rcu/srcutree.c: __synchronize_srcu(): RCU_LOCKDEP_WARN(lockdep_is_held(ssp) ...) \"Illegal synchronize_srcu() in same-type SRCU (or in RCU) read-side critical section\"", Lockdep}
	ruleSRCUWrongIdx = &Rule{"srcu/wrong-idx",
		"srcu_read_unlock(&ss, idx) is given the idx that this section's srcu_read_lock(&ss) returned: the unlock is counted on that index " +
			"(srcu_unlock_count[idx]), and a grace period waits for the locks and unlocks of an index to balance",
		"kernel/rcu/srcutree.c: __srcu_read_unlock() counts on idx, srcu_readers_active_idx_check(); include/linux/srcu.h checks only idx & ~0x1: " +
			"the grace period waiting on the reader's index never ends, one waiting on the other may end under a reader", Unchecked}
)

// srcuArg is the call's srcu_struct argument, or a failed Result.
func (c *Call) srcuArg() (*Lock, Result, bool) {
	l := c.Args[0].Obj.(*Lock)
	if l.Kind != SRCU {
		return nil, fail("%s: %s is not a struct srcu_struct (declare one with srcu NAME)", c.Op.Name, l.Name), false
	}
	return l, ok, true
}

// srcuReadLock is srcu_read_lock(): the section begins, counted on the
// current index, which it returns.
func (c *Call) srcuReadLock(l *Lock) Result {
	t := c.T
	t.fpLock(l, true) // the counters a grace period reads
	idx := int64(l.srcu.idx & 1)
	l.addReader(t)
	t.pushSub(l, Read, false, 0)
	t.holds[len(t.holds)-1].srcuIdx = uint8(idx)
	return done(Int(idx))
}

// srcuReadUnlock is srcu_read_unlock(): the check of idx, lockdep's
// release (srcu_lock_release(): bad unlock balance when no section is
// open), the unlock counted, and the grace periods that waited for this
// section told.
func (c *Call) srcuReadUnlock(l *Lock, idx int64) Result {
	t := c.T
	if idx&^1 != 0 {
		c.K.violate(t, ruleSRCUBadIdx, fmt.Sprintf("srcu_read_unlock(&%s, %d): an SRCU index is 0 or 1", l.Name, idx))
	}
	i, last := -1, -1
	for j := len(t.holds) - 1; j >= 0; j-- {
		if h := t.holds[j]; h.Lock == l {
			if last < 0 {
				last = j
			}
			if int64(h.srcuIdx) == idx && i < 0 {
				i = j
			}
		}
	}
	if last < 0 {
		c.K.unlockImbalance(t, l, Read, c.K.violate(t, ruleUnlockNotHeld,
			fmt.Sprintf("srcu_read_unlock: no read-side section of %s is open in this thread", l.Name)))
		return ok
	}
	if i < 0 {
		if idx&^1 == 0 {
			h := t.holds[last]
			c.K.violate(t, ruleSRCUWrongIdx, fmt.Sprintf("srcu_read_unlock(&%s, %d) ends a section whose srcu_read_lock() returned %d: "+
				"srcu_unlock_count[%d] counts an unlock that srcu_lock_count[%d] never counted", l.Name, idx, h.srcuIdx, idx, idx),
				Related{h.Pos, fmt.Sprintf("the section's srcu_read_lock(&%s) returned %d here", l.Name, h.srcuIdx)})
		}
		i = last
	}
	if len(l.srcu.gps) > 0 {
		// The release may end a grace period and wake its waiter.
		if f := c.K.fp; f != nil {
			f.World()
		}
	} else {
		t.fpLock(l, true)
	}
	t.pop(i)
	l.readers = removeTask(l.readers, t)
	c.K.srcuReaderDone(t, l)
	return ok
}

// srcuReaderDone ends the grace periods of l that waited only for t, once
// t has left every section of l it had open when they began.
func (k *Kernel) srcuReaderDone(t *Task, l *Lock) {
	s := l.srcu
	n := 0
	for _, gp := range s.gps {
		if start, waits := gp.readers[t]; waits && !t.inSRCUSince(l, start) {
			delete(gp.readers, t)
			gp.lock.readers = removeTask(gp.lock.readers, t)
		}
		if len(gp.readers) > 0 {
			s.gps[n] = gp
			n++
			continue
		}
		k.endGP(gp)
	}
	clear(s.gps[n:])
	s.gps = s.gps[:n]
}

// inSRCUSince reports whether t still holds a section of l that it
// entered at or before clock tick start.
func (t *Task) inSRCUSince(l *Lock, start uint64) bool {
	for _, h := range t.holds {
		if h.Lock == l && h.seq <= start {
			return true
		}
	}
	return false
}

// synchronizeSRCU is __synchronize_srcu(): lockdep's srcu_lock_sync(), the
// RCU_LOCKDEP_WARN of an RCU reader (as synchronize_rcu() checks it: the
// sleep), might_sleep(), then the wait for the sections of l open now.
func (c *Call) synchronizeSRCU(l *Lock) Result {
	t, k := c.T, c.K
	t.checkSync(l)
	t.MightSleep("synchronize_srcu")
	t.Schedule("synchronize_srcu") // wait_for_completion() sleeps even with no reader left
	t.fpLock(l, true)
	start := k.clock
	gp := &gracePeriod{readers: map[*Task]uint64{}}
	for _, r := range k.Tasks {
		if r.inSRCUSince(l, start) {
			gp.readers[r] = start
		}
	}
	l.srcu.idx++ // srcu_flip(): later readers count on the other index
	if len(gp.readers) == 0 {
		return ok
	}
	gp.lock = NewLock(l.Class, RWSem, "synchronize_srcu(&"+l.Name+") grace period")
	for _, r := range k.Tasks {
		if _, waits := gp.readers[r]; waits {
			gp.lock.readers = append(gp.lock.readers, r)
		}
	}
	l.srcu.gps = append(l.srcu.gps, gp)
	return c.waitGP(gp, func() Result { return ok })
}

// checkSync is lockdep's lock_sync() of l (kernel/locking/lockdep.c): an
// acquisition of l for write that is released at once. Held for read by
// this task, it is check_deadlock()'s "possible recursive locking"; else
// it is ordered after every lock held, as an acquisition is, and leaves
// no hold.
func (t *Task) checkSync(l *Lock) {
	if i := t.hold(l); i >= 0 {
		h := &t.holds[i]
		k := t.k
		if d := k.violate(t, ruleSRCUSyncInReader, fmt.Sprintf("possible recursive locking: synchronize_srcu(&%s) inside a read-side section of %s "+
			"(srcu_lock_sync() is an empty write-side section, which waits for this very reader)", l.Name, l.Name),
			Related{h.Pos, fmt.Sprintf("the section of %s began here", l.Name)}); d != nil {
			d.Lockdep = &LockdepSplat{Kind: SplatRecursive, Title: "possible recursive locking detected", Acquire: k.acquiring(t, l, Write, 0), Holding: k.heldLock(h)}
		}
		return
	}
	t.checkOrder(l, Write, 0)
}

func init() {
	ssParam := Param{Name: "ssp", Type: TLock, Hint: " (a struct srcu_struct: a script's srcu NAME)"}
	srcuSource := func(fn string) string {
		return "include/linux/srcu.h: " + fn + "(); kernel/rcu/srcutree.c"
	}
	const readSRCU = "include/linux/srcu.h and kernel/rcu/srcutree.c (srcu_lock_acquire(), srcu_lock_sync(), __synchronize_srcu(): " +
		"Boqun Feng's \"srcu: Annotate SRCU's update-side lockdep dependencies\" and later trees), find_string excerpts, read"
	seq := "idx = srcu_read_lock(&ss);\np = srcu_dereference(gp, &ss);\n/* may sleep */\nsrcu_read_unlock(&ss, idx);"
	defOp(&Op{Name: "srcu_read_lock", Params: []Param{ssParam}, Result: TInt,
		API: register(&API{Name: "srcu_read_lock", Section: "1.1", Hold: "nothing (sections of one srcu_struct nest)",
			Takes:   "a read-side section of this srcu_struct; returns the index the section is counted on, for srcu_read_unlock()",
			Sleeps:  "no; the section may sleep (unlike rcu_read_lock()'s)",
			Asserts: "lockdep: srcu_lock_acquire() (lock_map_acquire_read(), a recursive read)",
			Source:  srcuSource("srcu_read_lock"),
			Notes: "synchronize_srcu() of the same srcu_struct waits for the section; inside it, that is a self-deadlock lockdep reports as recursive locking. " +
				"Locks taken inside are ordered after the srcu_struct, so one held across synchronize_srcu() by an updater closes a lockdep cycle",
			Rules: []*Rule{ruleCircular},
			Opens: []*Rule{ruleSRCUSyncInReader},
			Cites: []Cite{cite("include/linux/srcu.h", "srcu_read_lock(), srcu_lock_acquire()",
				"lockdep: retval = __srcu_read_lock(ssp); srcu_lock_acquire(&ssp->dep_map); /* lock_map_acquire_read(map) */", readSRCU)},
			Sequence: seq}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			l, r, good := c.srcuArg()
			if !good {
				return r
			}
			return c.srcuReadLock(l)
		}})
	defOp(&Op{Name: "srcu_read_unlock", Params: []Param{ssParam, {Name: "idx", Type: TInt}},
		API: register(&API{Name: "srcu_read_unlock", Section: "1.1", Hold: "a read-side section of this srcu_struct, entered by srcu_read_lock() in this thread, whose result is idx",
			Sleeps:  "no",
			Asserts: "WARN_ON_ONCE(idx & ~0x1); lockdep: srcu_lock_release() (bad unlock balance); nothing checks that idx is the section's",
			Source:  srcuSource("srcu_read_unlock"),
			Rules:   []*Rule{ruleSRCUBadIdx, ruleSRCUWrongIdx, ruleUnlockNotHeld},
			Cites: []Cite{cite("include/linux/srcu.h", "srcu_read_unlock()",
				"WARN_ON_ONCE(idx & ~0x1); srcu_lock_release(&ssp->dep_map); __srcu_read_unlock(ssp, idx);", readSRCU)},
			Sequence: seq}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			l, r, good := c.srcuArg()
			if !good {
				return r
			}
			return c.srcuReadUnlock(l, c.int(1))
		}})
	defOp(&Op{Name: "synchronize_srcu", Params: []Param{ssParam},
		API: register(&API{Name: "synchronize_srcu", Section: "1.1",
			Hold:    "no read-side section of this srcu_struct (nor an RCU one, no spinlock: it sleeps); no lock a reader of it takes inside its section",
			Takes:   "waits for every read-side section of this srcu_struct that began before the call; sections of other srcu_structs are not waited for",
			Sleeps:  "yes",
			Asserts: "lockdep: srcu_lock_sync() (lock_sync(): an empty write-side section, checked as an acquisition); RCU_LOCKDEP_WARN(lockdep_is_held(ssp) || ...) \"Illegal synchronize_srcu() in same-type SRCU (or in RCU) read-side critical section\"; might_sleep()",
			Source:  "kernel/rcu/srcutree.c: synchronize_srcu(), __synchronize_srcu()",
			Notes: "inside a section of the same srcu_struct it never returns (lockdep: possible recursive locking); a lock held across it that a reader takes inside " +
				"its section is a lockdep circular dependency and, when the reader waits for it, a deadlock",
			Rules: []*Rule{ruleSRCUSyncInReader, ruleCircular, ruleSleepInAtomic, ruleSchedAtomic, ruleSchedRCU, ruleSchedIRQsOff},
			Cites: []Cite{cite("kernel/rcu/srcutree.c", "__synchronize_srcu()",
				"lockdep: srcu_lock_sync(&ssp->dep_map); RCU_LOCKDEP_WARN(lockdep_is_held(ssp) || lock_is_held(&rcu_bh_lock_map) || lock_is_held(&rcu_lock_map) || "+
					"lock_is_held(&rcu_sched_lock_map), \"Illegal synchronize_srcu() in same-type SRCU (or in RCU) read-side critical section\"); might_sleep(); "+
					"__call_srcu(ssp, &rcu.head, wakeme_after_rcu, do_norm); wait_for_completion(&rcu.completion);", readSRCU)},
			Sequence: "rcu_assign_pointer(gp, new);    /* unpublish the old object */\n" +
				"synchronize_srcu(&ss);           /* every reader of ss that could see it has left */\n" +
				"kfree(old);"}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			l, r, good := c.srcuArg()
			if !good {
				return r
			}
			return c.synchronizeSRCU(l)
		}})
}
