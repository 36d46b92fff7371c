package runtime

import (
	"fmt"
)

// The steps of a core dump as Linux 5.0 ran it (kernel/coredump.mms):
// coredump_wait() sets mm->core_state under the mmap write lock
// (zap_threads), then ->core_dump walks the VMAs with no mmap lock at all,
// trusting that every thread of the mm is frozen; coredump_finish() clears
// core_state. A remote path that took a reference with mmget_not_zero()
// or get_task_mm() and then the mmap write lock could still change the
// VMAs under the dump (CVE-2019-11599); 04f5866e41fb made each such path
// check mmget_still_valid() under the lock. v5.10 made the dump take the
// mmap lock (dump_vma_snapshot) and removed the check (4d45e75a9955).

var ruleCoredumpVMA = &Rule{"coredump/vma-changed-during-dump",
	"a path that changes the VMAs of another process's mm (reached through mmget_not_zero() or get_task_mm()) checks mmget_still_valid() after taking the mmap write lock, and leaves the mm alone while it is being core-dumped: the dump walks the VMAs without the mmap lock",
	"include/linux/sched/mm.h: mmget_still_valid() (04f5866e41fb, CVE-2019-11599; v5.1 to v5.9); fs/coredump.c: coredump_wait(), zap_threads() (mm->core_state)", Unchecked}

// coreDumpCheck reports a VMA change while m is being core-dumped.
func (c *Call) coreDumpCheck(m *MM, what string) {
	if m.coreState == nil || m.coreState == c.T {
		return
	}
	c.K.violate(c.T, ruleCoredumpVMA, fmt.Sprintf("%s changes a VMA of %s while %s core-dumps it (mm->core_state is set; the dump reads the VMAs without the mmap lock): check mmget_still_valid() under the mmap write lock", what, m.Name, m.coreState.Name),
		Related{m.coreStatePos, "the core dump began here (zap_threads)"})
}

func init() {
	citeTable["mmget_not_zero"] = []Cite{cite("include/linux/sched/mm.h", "mmget_not_zero()", "return atomic_inc_not_zero(&mm->mm_users);", readGUPPaths)}
	citeTable["mmput"] = []Cite{cite("kernel/fork.c", "mmput()", "might_sleep(); if (atomic_dec_and_test(&mm->mm_users)) __mmput(mm);", readGUPPaths)}
	citeTable["mmget_still_valid"] = []Cite{cite("include/linux/sched/mm.h", "mmget_still_valid() (v5.1-v5.9)", "return likely(!mm->core_state);", readGUPPaths)}
	citeTable["zap_threads"] = []Cite{cite("fs/coredump.c", "coredump_wait(), zap_threads() (v5.0)", "if (down_write_killable(&mm->mmap_sem)) return -EINTR; if (!mm->core_state) core_waiters = zap_threads(tsk, mm, core_state, exit_code); up_write(&mm->mmap_sem);", readGUPPaths)}
	citeTable["elf_core_dump"] = []Cite{cite("fs/binfmt_elf.c", "elf_core_dump() (v5.0)", "for (vma = first_vma(current, gate_vma); vma != NULL; vma = next_vma(vma, gate_vma)) ... vma_dump_size(vma, cprm->mm_flags): no mmap_sem", readGUPPaths)}
	citeTable["coredump_finish"] = []Cite{cite("fs/coredump.c", "coredump_finish() (v5.0)", "mm->core_state = NULL;", readGUPPaths)}
	seqRemote := "/* v5.1-v5.9: a remote path changing the VMAs of another mm */\n" +
		"if (!mmget_not_zero(mm))\n\treturn;\ndown_write(&mm->mmap_sem);\nif (!mmget_still_valid(mm))\n\tgoto skip_mm;\n/* ... vma->vm_flags = new_flags ... */\nskip_mm:\nup_write(&mm->mmap_sem);\nmmput(mm);"
	citeTable["mmput_async"] = []Cite{cite("kernel/fork.c", "mmput_async()",
		"none: if (atomic_dec_and_test(&mm->mm_users)) { INIT_WORK(&mm->async_put_work, mmput_async_fn); schedule_work(&mm->async_put_work); }",
		"kernel/fork.c mmput_async(), mmput_async_fn() (found via find_string; the same body since v4.7, removed by 212925802454 and restored by a1b2289cef92), read")}
	sequenceTable["mmput_async"] = "/* drivers/android/binder_alloc.c: binder_alloc_free_page(), the list_lru\n" +
		" * callback, called under the lru spinlock */\nif (!mmget_not_zero(mm))\n\tgoto err_mmget;\n" +
		"if (!mmap_read_trylock(mm))\n\tgoto err_mmap_read_lock_failed;\n/* ... */\n" +
		"err_mmap_read_lock_failed:\n\tmmput_async(mm);    /* never sleeps: the lru lock is held */"
	for _, n := range []string{"mmget_not_zero", "mmput", "mmget_still_valid"} {
		sequenceTable[n] = seqRemote
	}
	seqDump := "/* fs/coredump.c (v5.0): do_coredump() */\ncoredump_wait(exit_code, &core_state); /* zap_threads() under down_write(&mm->mmap_sem) */\nbinfmt->core_dump(&cprm); /* no mmap_sem */\ncoredump_finish(mm, core_dumped);"
	for _, n := range []string{"zap_threads", "elf_core_dump", "coredump_finish"} {
		sequenceTable[n] = seqDump
	}
}

// dropMMUsers is atomic_dec_and_test(&mm->mm_users): it drops this
// task's reference from mmget_not_zero() if it has one, else the
// process's, and says whether it was the last. Once it was, the tasks
// inside m's mmap lock keep the tree until they drop it (exit_mmap()
// needs the write lock to tear it down).
func (c *Call) dropMMUsers(m *MM, who string) (bool, error) {
	if m.mmUsers == 0 {
		return false, fmt.Errorf("%s: %s has no users left (a reference dropped twice)", who, m.Name)
	}
	if c.T.mmRefs[m] > 0 {
		c.T.mmRefs[m]--
	}
	m.mmUsers--
	if m.mmUsers > 0 {
		return false, nil
	}
	c.K.fpLockObserve(m.MmapLock)
	for _, t := range c.K.Tasks {
		if t != c.T {
			t.noteLiveHold(m)
		}
	}
	return true, nil
}

func init() {
	mmP := []Param{{Name: "mm", Type: TMM}}
	mmRead := func(c *Call, f *Footprint) { f.MM(mmArg(c, 0), false) }
	mmWrite := func(c *Call, f *Footprint) { f.MM(mmArg(c, 0), true) }
	defOp(&Op{Name: "mmget_not_zero", Params: mmP, Result: TBool,
		API: register(&API{Name: "mmget_not_zero", Section: "-", Hold: "a pointer to the mm kept alive (mmgrab, or RCU)", Takes: "nothing", Sleeps: "no",
			Source: "include/linux/sched/mm.h: mmget_not_zero()",
			Notes:  "takes a reference on the mm's users (mm_users) unless it already dropped to zero: the mm is exiting (exit_mmap) and must be left alone; release with mmput",
			FailRule: failureIgnored("mmget_not_zero", "mm_users is zero: the mm is exiting and exit_mmap() tears its VMAs and page tables down",
				"no kernel check: a VMA lookup or walk then reads what exit_mmap() frees, a use-after-free that only KASAN reports; commit cb185d5f1ebf "+
					"(\"userfaultfd: fix a race between writeprotect and exit_mmap()\") is such a caller fixed",
				"include/linux/sched/mm.h: mmget_not_zero(): return atomic_inc_not_zero(&mm->mm_users); "+ruleMMUsersZero.Source, Unchecked)}),
		Touches: func(c *Call, f *Footprint) { f.mmUsers(mmArg(c, 0), true) },
		Fn: func(c *Call) Result {
			m := c.mm(0)
			if m.mmUsers == 0 {
				if c.T.failedGet == nil {
					c.T.failedGet = map[*MM]failedAttempt{}
				}
				c.T.failedGet[m] = failedAttempt{c.Op.Name, c.T.ScriptPos(c.T.Pos)}
				return done(Bool(false))
			}
			delete(c.T.failedGet, m)
			m.mmUsers++ // atomic_inc_not_zero(&mm->mm_users)
			if c.T.mmRefs == nil {
				c.T.mmRefs = map[*MM]int{}
			}
			c.T.mmRefs[m]++
			return done(Bool(true))
		}})
	defOp(&Op{Name: "mmput", Params: mmP, Path: true, Touches: world,
		API: register(&API{Name: "mmput", Section: "-", Hold: "a reference from mmget_not_zero/get_task_mm, or the process's own (exit_mm); no spinlock",
			Takes: "nothing; the last one runs exit_mmap(): the mmap read lock, then the write lock", Sleeps: "yes",
			Source: "kernel/fork.c: mmput(), __mmput(); mm/mmap.c: exit_mmap()",
			Notes:  "a kernel path of the kernel library (kernel/exit.mms): drops an mm_users reference and tears the address space down when it was the last",
			Rules:  []*Rule{ruleSleepInAtomic, ruleMMUsersZero}})})
	defOp(&Op{Name: "atomic_dec_and_test", Params: []Param{{Name: "mm", Type: TMM}}, Result: TBool,
		API: register(&API{Name: "atomic_dec_and_test", Section: "-", Hold: "an mm_users reference", Takes: "nothing", Sleeps: "no",
			Source: "kernel/fork.c: mmput(): atomic_dec_and_test(&mm->mm_users)",
			Notes: "drops an mm_users reference (the script passes the mm for &mm->mm_users): this task's own from mmget_not_zero() if it has one, " +
				"else the process's; true when it was the last, and the caller then tears the mm down (__mmput -> exit_mmap)",
			Cites:    []Cite{cite("kernel/fork.c", "mmput()", "none: might_sleep(); if (atomic_dec_and_test(&mm->mm_users)) __mmput(mm);", readGUPPaths)},
			Sequence: "/* kernel/fork.c: mmput() */\nmight_sleep();\nif (atomic_dec_and_test(&mm->mm_users))\n\t__mmput(mm);    /* -> exit_mmap(mm) */"}),
		Touches: func(c *Call, f *Footprint) { f.mmUsers(mmArg(c, 0), true) },
		Fn: func(c *Call) Result {
			m := c.mm(0)
			last, err := c.dropMMUsers(m, "mmput")
			if err != nil {
				return fail("%v", err)
			}
			if last {
				m.exitTask = c.T
			}
			return done(Bool(last))
		}})
	// mmput_async() is mmput() for a caller that must not sleep (a
	// shrinker under its list_lru spinlock, the OOM reaper before
	// 212925802454, an IOMMU fault worker): no might_sleep(), and the last
	// reference's __mmput() is queued to a kworker (schedule_work()) instead
	// of run here. mmscript has no workqueues: the queued teardown never
	// runs, so the mm keeps its VMAs with mm_users zero, which every other
	// task's lookup reports as after mmput() (mm/use-without-mm-users).
	defOp(&Op{Name: "mmput_async", Params: mmP,
		API: register(&API{Name: "mmput_async", Section: "-",
			Hold:  "a reference from mmget_not_zero/get_task_mm; any context: it never sleeps (a spinlock or an RCU read-side section may be held)",
			Takes: "nothing in the caller; the last reference queues __mmput() -> exit_mmap() to a kworker (INIT_WORK(&mm->async_put_work, mmput_async_fn); schedule_work())", Sleeps: "no",
			Source: "kernel/fork.c: mmput_async(), mmput_async_fn()",
			Notes: "drops an mm_users reference without might_sleep(); the teardown of the last runs in a kworker, which mmscript does not model: " +
				"the mm stays with mm_users zero and is not torn down (other tasks' lookups are mm/use-without-mm-users)",
			Rules: []*Rule{ruleMMUsersZero}}),
		Touches: func(c *Call, f *Footprint) { f.mmUsers(mmArg(c, 0), true) },
		Fn: func(c *Call) Result {
			if _, err := c.dropMMUsers(c.mm(0), "mmput_async"); err != nil {
				return fail("%v", err)
			}
			return ok
		}})
	defOp(&Op{Name: "mmget_still_valid", Params: mmP, Result: TBool,
		API: register(&API{Name: "mmget_still_valid", Section: "-", Hold: "the mmap lock (write, to change VMAs)", Takes: "nothing", Sleeps: "no",
			Source: "include/linux/sched/mm.h: mmget_still_valid() (v5.1 to v5.9; removed by 4d45e75a9955 once the dump took the mmap lock)",
			Notes:  "false while the mm is being core-dumped (mm->core_state): a remote path must then leave its VMAs alone",
			Rules:  []*Rule{ruleCoredumpVMA}}),
		Touches: mmRead,
		Fn:      func(c *Call) Result { return done(Bool(c.mm(0).coreState == nil)) }})
	defOp(&Op{Name: "zap_threads", Params: mmP,
		API: register(&API{Name: "zap_threads", Section: "-", Hold: "the mmap write lock (coredump_wait)", Takes: "the signal lock", Sleeps: "no",
			Source: "fs/coredump.c: zap_threads() (v5.0)",
			Notes:  "starts a core dump of the mm by this thread: sets mm->core_state and kills the mm's other threads (mmscript: the script's other threads of that mm are its own to stop)"}),
		Touches: mmWrite,
		Fn: func(c *Call) Result {
			m := c.mm(0)
			if m.coreState == nil {
				m.coreState, m.coreStatePos = c.T, c.T.Pos
			}
			return ok
		}})
	defOp(&Op{Name: "elf_core_dump", Params: mmP,
		API: register(&API{Name: "elf_core_dump", Section: "-", Hold: "nothing: the mm's threads are frozen (v5.0: no mmap lock)", Takes: "nothing", Sleeps: "yes",
			Source: "fs/binfmt_elf.c: elf_core_dump() (v5.0)", Notes: "reads every VMA for the program headers and the contents"}),
		Touches: mmRead,
		Fn:      func(c *Call) Result { return ok }})
	defOp(&Op{Name: "coredump_finish", Params: mmP,
		API: register(&API{Name: "coredump_finish", Section: "-", Hold: "nothing", Takes: "nothing", Sleeps: "no",
			Source: "fs/coredump.c: coredump_finish() (v5.0)", Notes: "clears mm->core_state"}),
		Touches: mmWrite,
		Fn: func(c *Call) Result {
			if m := c.mm(0); m.coreState == c.T {
				m.coreState = nil
			}
			return ok
		}})
}
