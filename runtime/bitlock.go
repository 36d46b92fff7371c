package runtime

// A script's `bitlock NAME` is a lock lockdep does not see: a bit of a
// word taken with wait_on_bit_lock() and released with
// clear_and_wake_up_bit() (include/linux/wait_bit.h, kernel/sched/
// wait_bit.c), as the kernel's own sleeping bit locks are (PG_locked, the
// buffer lock BH_Lock, gfs2's glock holders' HIF_WAIT and GLF_LOCK). It
// has no lockdep map and no owner: lockdep checks no order, recursion or
// release of it, any thread may clear the bit, and one left set at exit is
// no lockdep report; an inversion or a recursion shows only as the
// deadlock it causes, which the scheduler finds (mmscript explore), as
// with the folio lock. wait_on_bit_lock() is might_sleep() first.

var ruleBitUnlockNotLocked = &Rule{"bitlock/clear-not-set",
	"clear_and_wake_up_bit() clears a bit lock that is set: any thread may clear it (a bit has no owner), but clearing a clear bit " +
		"means two paths think they own it, and whoever sets it next runs beside the other",
	"include/linux/wait_bit.h: clear_and_wake_up_bit(): clear_bit_unlock(bit, word); smp_mb__after_atomic(); wake_up_bit(word, bit); (no check: the bit is just cleared)", Unchecked}

// bitLockArg is the call's bit lock argument, or a failed Result.
func (c *Call) bitLockArg() (*Lock, Result, bool) {
	l := c.Args[0].Obj.(*Lock)
	if l.Kind != BitLock || !l.nodep || l.Class < ClassUser {
		return nil, fail("%s: %s is not a bit lock (declare one with bitlock NAME; the folio lock is folio_lock()'s, a mutex mutex_lock()'s)", c.Op.Name, l.Name), false
	}
	return l, ok, true
}

func init() {
	wordParam := []Param{{Name: "word", Type: TLock, Hint: " (a bit lock: a script's bitlock NAME, the word and bit the kernel names)"}}
	const readWaitBit = "include/linux/wait_bit.h and kernel/sched/wait_bit.c (wait_on_bit_lock(), out_of_line_wait_on_bit_lock(), __wait_on_bit_lock(), clear_and_wake_up_bit()), find_string excerpts of several versions, read"
	seq := "if (wait_on_bit_lock(&flags, MY_LOCK_BIT, TASK_UNINTERRUPTIBLE))\n\treturn -EINTR;\n/* ... */\nclear_and_wake_up_bit(MY_LOCK_BIT, &flags);"
	defOp(&Op{Name: "wait_on_bit_lock", Params: wordParam, Result: TInt,
		API: register(&API{Name: "wait_on_bit_lock", Section: "1.2", Hold: "not this bit lock (nothing checks it: waiting for one's own bit never ends)",
			Takes:   "the bit: waits until it is clear, then sets it atomically (test_and_set_bit()); 0 once set",
			Sleeps:  "yes",
			Asserts: "might_sleep(); no lockdep map, so order and recursion go unchecked",
			Source:  "include/linux/wait_bit.h: wait_on_bit_lock(); kernel/sched/wait_bit.c: __wait_on_bit_lock()",
			Notes: "a lock lockdep does not see (like the folio lock, the buffer lock, gfs2's glocks): an order inversion or a recursion is found only as the deadlock it causes. " +
				"Returns 0 with the bit set, or -EINTR when the mode let a signal end the wait; mmscript sends no signals (TASK_UNINTERRUPTIBLE)",
			Rules: []*Rule{ruleSleepInAtomic},
			Cites: []Cite{cite("include/linux/wait_bit.h", "wait_on_bit_lock()",
				"might_sleep(); if (!test_and_set_bit(bit, word)) return 0; return out_of_line_wait_on_bit_lock(word, bit, bit_wait, mode); (no lockdep annotation)", readWaitBit)},
			Sequence: seq}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			l, r, good := c.bitLockArg()
			if !good {
				return r
			}
			return c.lockThen(l, Write, grantDone, Int(0))
		}})
	defOp(&Op{Name: "test_and_set_bit_lock", Params: wordParam, Result: TBool,
		API: register(&API{Name: "test_and_set_bit_lock", Section: "1.2", Hold: "nothing",
			Takes:  "the bit if it is clear; returns its old value: false when this call set it (the lock taken), true when it was set already",
			Sleeps: "no", Asserts: "none (no lockdep map)",
			Source: "include/asm-generic/bitops/lock.h: test_and_set_bit_lock()",
			Cites: []Cite{cite("include/asm-generic/bitops/lock.h", "test_and_set_bit_lock()",
				"none: if (READ_ONCE(*p) & mask) return 1; old = raw_atomic_long_fetch_or_acquire(mask, (atomic_long_t *)p); return !!(old & mask);", readWaitBit)},
			FailRule: failureIgnored("test_and_set_bit_lock", "the bit was set already (it returned true) and the caller does not hold the lock",
				"its clear_and_wake_up_bit() then clears the holder's bit, which nothing checks: whoever sets it next runs beside the holder",
				"include/asm-generic/bitops/lock.h: test_and_set_bit_lock() returns the old bit; include/linux/wait_bit.h: clear_and_wake_up_bit() clears it unchecked", Unchecked),
			Sequence: "if (test_and_set_bit_lock(MY_LOCK_BIT, &flags))\n\treturn -EBUSY;    /* held: do not wait */\n/* ... */\nclear_and_wake_up_bit(MY_LOCK_BIT, &flags);"}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			l, r, good := c.bitLockArg()
			if !good {
				return r
			}
			// The old bit: true when it was set, the lock not taken
			// (a failed attempt, remembered for clear_and_wake_up_bit).
			got := c.T.TryAcquire(l, Write)
			c.tried(l, got)
			return done(Bool(!got))
		}})
	defOp(&Op{Name: "clear_and_wake_up_bit", Params: wordParam,
		API: register(&API{Name: "clear_and_wake_up_bit", Section: "1.2", Hold: "the bit lock, set by this thread or another (a bit has no owner)",
			Sleeps: "no", Asserts: "none (no lockdep map)",
			Source: "include/linux/wait_bit.h: clear_and_wake_up_bit()",
			Rules:  []*Rule{ruleBitUnlockNotLocked},
			Cites: []Cite{cite("include/linux/wait_bit.h", "clear_and_wake_up_bit()",
				"none: clear_bit_unlock(bit, word); smp_mb__after_atomic(); wake_up_bit(word, bit);", readWaitBit)},
			Sequence: seq}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			l, r, good := c.bitLockArg()
			if !good {
				return r
			}
			return c.clearLockBit(l, "clear_and_wake_up_bit", "", "set", ruleBitUnlockNotLocked)
		}})
}
