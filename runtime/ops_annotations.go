package runtime

// cond_resched() and lockdep's might_lock() / might_lock_read(): points
// where the kernel says what could happen there, whether or not it does
// this time. cond_resched() may schedule (a sleep point: the atomic-context
// checks of __might_resched()), and with non-preemptible RCU it reports a
// quiescent state. might_lock() records, against every lock held, the
// dependency an acquisition of the lock would make, without taking it
// (include/linux/lockdep.h), so that a path that takes the lock only
// sometimes (a fault in __might_fault()) is ordered on every run.

const readAnnotations = "include/linux/sched.h cond_resched(), kernel/sched/core.c __cond_resched() and __might_resched(), kernel/rcu/tree_plugin.h rcu_all_qs() (!CONFIG_PREEMPT_RCU), include/linux/lockdep.h might_lock(), might_lock_read(), quoted by the search tool, read"

// ruleCondReschedRCU: cond_resched() inside rcu_read_lock(). With
// CONFIG_PREEMPT_RCU=n (the non-preemptible RCU of PREEMPT_NONE and
// PREEMPT_VOLUNTARY kernels) the reader leaves no trace in memory, and
// __cond_resched() reports a quiescent state for the CPU (rcu_all_qs()).
var ruleCondReschedRCU = &Rule{"cond_resched/rcu-reader",
	"cond_resched() is not called inside an RCU read-side critical section: leave the section first (rcu_read_unlock(), then cond_resched(), then rcu_read_lock() and look up again)",
	"kernel/sched/core.c: __cond_resched(): \"#ifndef CONFIG_PREEMPT_RCU rcu_all_qs(); #endif\" (\"in non-preemptible kernels, RCU readers leave no in-memory hints\"); " +
		"__might_resched() checks it only with CONFIG_DEBUG_ATOMIC_SLEEP", Unchecked}

func init() {
	defOp(&Op{Name: "cond_resched", Result: TInt, Yields: true, Touches: touchesLocksOnly,
		API: register(&API{Name: "cond_resched", Section: "1.3",
			Hold:    "no spinlock, no RCU read-side section, IRQs on: it may schedule",
			Takes:   "nothing (may give up the CPU)",
			Sleeps:  "may (schedules when another task should run)",
			Asserts: "__might_resched(__FILE__, __LINE__, 0) (CONFIG_DEBUG_ATOMIC_SLEEP: \"BUG: sleeping function called from invalid context\")",
			Source:  "include/linux/sched.h: cond_resched() -> __might_resched(), _cond_resched() -> __cond_resched()",
			Notes: "a sleep point in a long loop (zap_pte_range's caller, GUP's __get_user_pages(), page walks between PMDs): it checks the context as might_sleep() does, " +
				"and with non-preemptible RCU reports a quiescent state, so inside rcu_read_lock() a grace period may end under the reader (cond_resched/rcu-reader: " +
				"what the reader protects, a page table freed by pte_free_defer() or a kfree_rcu()'d object, can be freed while it is used). Returns 0; " +
				"in mmscript it ends the thread's turn, as a schedule would",
			Rules: []*Rule{ruleSleepInAtomic, ruleCondReschedRCU},
			Cites: []Cite{cite("kernel/sched/core.c", "__cond_resched()", "none: if (should_resched(0) && !irqs_disabled()) { preempt_schedule_common(); return 1; } ... #ifndef CONFIG_PREEMPT_RCU rcu_all_qs(); #endif return 0;", readAnnotations),
				cite("include/linux/sched.h", "cond_resched()", "__might_resched(__FILE__, __LINE__, 0); _cond_resched();", readAnnotations)},
			Sequence: "for (addr = start; addr < end; addr = next) {\n\tnext = pmd_addr_end(addr, end);\n\tzap_pte_range(tlb, vma, pmd, addr, next, details);\n\tcond_resched();    /* no spinlock, no RCU section held here */\n}"}),
		Fn: func(c *Call) Result {
			t := c.T
			t.MightSleep("cond_resched()")
			if t.rcu > 0 {
				c.K.violate(t, ruleCondReschedRCU, "cond_resched() inside an RCU read-side critical section: with non-preemptible RCU it reports a quiescent state (rcu_all_qs()), "+
					"so a grace period may end while this reader still uses what rcu_read_lock() protects (the kernel checks this only on debug builds)", t.atomicRelated()...)
			}
			return done(Int(0))
		}})

	lockAnnot := func(name string, mode Mode, modeDoc string) {
		defOp(&Op{Name: name, Params: []Param{{Name: "lock", Type: TLock}}, Touches: touchesLocksOnly,
			API: register(&API{Name: name, Section: "-",
				Hold:    "whatever the code that may take the lock holds: lockdep orders the lock after each of them",
				Takes:   "nothing: lockdep records the acquisition " + modeDoc + " as if made and released at once",
				Sleeps:  "no",
				Asserts: "lockdep (CONFIG_PROVE_LOCKING): the checks of an acquisition, recursion and the order against every lock held",
				Source:  "include/linux/lockdep.h: " + name + "()",
				Notes: "the annotation a function puts where it may take the lock on some runs only (__might_fault(): might_lock_read(&current->mm->mmap_lock)), " +
					"so that lockdep sees the dependency on every run; a no-op without lockdep",
				Rules: []*Rule{ruleRecursive, ruleCircular, ruleMmapUnderVMARead},
				Cites: []Cite{cite("include/linux/lockdep.h", name+"()", "lock_acquire(&(lock)->dep_map, 0, 0, "+map[Mode]string{Write: "0", Read: "1"}[mode]+", 1, NULL, _THIS_IP_); lock_release(&(lock)->dep_map, _THIS_IP_);", readAnnotations),
					cite("mm/memory.c", "__might_fault()", "might_lock_read(&current->mm->mmap_lock);", readMemory)},
				Sequence: "/* a helper that takes dev->lock only when the cache misses */\n" + name + "(&dev->lock);\nif (!cached(dev)) {\n\tmutex_lock(&dev->lock);\n\t/* ... */\n\tmutex_unlock(&dev->lock);\n}"}),
			Fn: func(c *Call) Result {
				l := c.Args[0].Obj.(*Lock)
				if l.Class == ClassRCU {
					return fail("%s: RCU has no lockdep map of its own to annotate; use rcu_read_lock()", name)
				}
				c.T.checkOrder(l, mode, 0)
				return ok
			}})
	}
	lockAnnot("might_lock", Write, "(exclusive)")
	lockAnnot("might_lock_read", Read, "for read")
}
