package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
)

// The OOM reaper's side of an mm (mm/oom_kill.c, kernel/oom_kill.mms):
// the mm flags it tests and sets (MMF_OOM_SKIP, MMF_UNSTABLE), and the
// MMU-notifier subscriptions that make its non-blocking zap give up
// (mmu_notifier_invalidate_range_start_nonblock() -> -EAGAIN, and
// zap_vma_for_reaping() -> -EBUSY).
//
// The reaper reaches the victim's mm through tsk->signal->oom_mm, a
// pointer mark_oom_victim() keeps with mmgrab(): mm_count, not mm_users.
// What keeps the VMAs it walks is the test of MMF_OOM_SKIP under the mmap
// lock: exit_mmap() sets the flag after it unmapped everything under the
// read lock and before it takes the write lock to free the page tables
// and the VMAs (mm/mmap.c: "Set MMF_OOM_SKIP to hide this task from the
// oom killer/reaper because the memory has been already freed"), so a
// task that finds it clear under the mmap lock holds off that teardown
// until it drops the lock: the same knowledge ksm_test_exit() gives under
// the lock (noteLiveHold), which the walk's mm/use-without-mm-users check
// asks for.

// mm->flags bits (include/linux/mm_types.h, linux-mm 2026; the same
// numbers in include/linux/sched/coredump.h before).
const (
	MMF_OOM_SKIP = 21 // "mm is of no interest for the OOM killer"
	MMF_UNSTABLE = 22 // "mm is unstable for copy_from_user"
)

// mmuSubscription is one struct mmu_notifier registered on an mm
// (mm->notifier_subscriptions->list): whether its ->invalidate_range_start
// needs to sleep, so that, called for a non-blockable range, it returns
// -EAGAIN (a driver taking its mutex with mutex_trylock() when
// !mmu_notifier_range_blockable(range), as HMM mirrors and KVM do).
type mmuSubscription struct {
	Sleeps bool
	Pos    lang.Pos // where mmu_notifier_register() added it
}

// mmFlags records an access to mm->flags: an object of its own, so that
// testing a flag does not conflict with the VMA tree's readers.
func (f *Footprint) mmFlags(m *mmcore.MM, write bool) {
	if f != nil && m != nil {
		f.Add(AMM, mmPart(f.mmID(m), partFlags), write)
	}
}

// mmNotifiers records an access to mm->notifier_subscriptions.
func (f *Footprint) mmNotifiers(m *mmcore.MM, write bool) {
	if f != nil && m != nil {
		f.Add(AMM, mmPart(f.mmID(m), partNotifiers), write)
	}
}

// rangeMM is the mm of the mmu_notifier_range argument i, for footprints.
func rangeMM(c *Call, i int) *mmcore.MM {
	if r, ok := c.Args[i].Obj.(*MMURange); ok && r.MM != nil {
		return r.MM.Core
	}
	return nil
}

const (
	readOOMKill    = "linux-mm@5339574f4ee7 mm/oom_kill.c, read"
	readMmapExit   = "linux-mm@07e15cb06bc9 mm/mmap.c, read"
	readNotifierC  = "mm/mmu_notifier.c as quoted in patch mails of 2019-2023 (the 2026 file not read), read"
	zapReapingMail = "[PATCH v1 06/16] \"mm/oom_kill: factor out zapping of VMA into zap_vma_for_reaping()\" and 08/16 (David Hildenbrand, 2026-02-27), read"
)

// ruleNotifierRegisterUsers: __mmu_notifier_register() BUG()s on an mm
// whose mm_users is zero, so that mmu_notifier_release() (exit_mmap(),
// once mm_users fell to zero) cannot run while a subscriber is added.
var ruleNotifierRegisterUsers = &Rule{"mmu_notifier_register/mm-users-zero",
	"mmu_notifier_register() is called on an mm the caller holds an mm_users reference to (current->mm, or one pinned with get_task_mm() or " +
		"mmget_not_zero()), so that mmu_notifier_release() cannot run concurrently: a pointer kept by mmgrab() (mm_count) is not enough",
	"mm/mmu_notifier.c: __mmu_notifier_register() BUG_ON(atomic_read(&mm->mm_users) <= 0); mmu_notifier_register() kernel-doc " +
		"(\"Must also ensure mm_users can't go down to zero while this runs to avoid races with mmu_notifier_release\")", BUG}

func mmFlagName(flag int64) string {
	switch flag {
	case MMF_OOM_SKIP:
		return "MMF_OOM_SKIP"
	case MMF_UNSTABLE:
		return "MMF_UNSTABLE"
	}
	return fmt.Sprintf("bit %d", flag)
}

func init() {
	// A name of rule book 2.37 with no entry of its own.
	aliases["__split_huge_pmd"] = alias{"split_huge_pmd", "__split_huge_pmd(vma, pmd, address, freeze) (mm/huge_memory.c) is what the " +
		"split_huge_pmd() macro calls after its lockless pre-check of the entry (freeze=false), and what zap_pmd_range() calls for a huge PMD its " +
		"range covers in part; same rules (rule book 2.37): the VMA stable, no spinlock held (the mmu-notifier start sleeps), the PMD lock taken " +
		"inside around split_huge_pmd_locked()"}

	Constants["MMF_OOM_SKIP"] = MMF_OOM_SKIP
	Constants["MMF_UNSTABLE"] = MMF_UNSTABLE
	constDocs["MMF_OOM_SKIP"] = "mm->flags bit 21: the mm is of no interest to the OOM killer; exit_mmap() sets it before its mmap_write_lock(), " +
		"so the OOM reaper tests it under the mmap read lock"
	constDocs["MMF_UNSTABLE"] = "mm->flags bit 22: the OOM reaper has started unmapping the mm; its contents are no longer stable for copy_from_user()"

	flagParams := []Param{{Name: "flag", Type: TInt, Hint: "a bit number of mm->flags: MMF_OOM_SKIP, MMF_UNSTABLE"}, {Name: "mm", Type: TMM}}
	flagBit := func(c *Call) (uint64, *Result) {
		f := c.int(0)
		if f < 0 || f > 63 {
			r := fail("%s: bit %d is not a bit of mm->flags", c.Op.Name, f)
			return 0, &r
		}
		return 1 << uint(f), nil
	}
	defOp(&Op{Name: "mm_flags_test", Params: flagParams, Result: TBool,
		API: register(&API{Name: "mm_flags_test", Section: "-", Hold: "nothing (an atomic test_bit()); what the answer means may need the mmap lock",
			Takes: "nothing", Sleeps: "no", Asserts: "none",
			Source: "include/linux/mm_types.h: mm_flags_test(); mm/oom_kill.c: oom_reap_task_mm(); mm/mmap.c: exit_mmap()",
			Notes: "test_bit(flag, &mm->flags). MMF_OOM_SKIP found clear under the mmap lock means exit_mmap() has not begun its teardown and cannot " +
				"begin it before the lock is dropped (it sets the flag before mmap_write_lock()): the OOM reaper may then walk the VMAs of an mm whose " +
				"mm_users may be zero. Found clear without the lock, it says nothing once the lock is taken",
			Query: "The answer is the bit's value at the test. MMF_OOM_SKIP clear keeps the VMAs for the walk that follows only while this thread " +
				"holds the mmap lock it held at the test; the walk's own rule (mm/use-without-mm-users) checks that",
			Cites: []Cite{cite("mm/oom_kill.c", "oom_reap_task_mm()", "none: \"The check for MMF_OOM_SKIP must run under mmap_lock for reading "+
				"because it serializes against the mmap_write_lock();mmap_write_unlock() cycle in exit_mmap()\"", readOOMKill),
				cite("mm/mmap.c", "exit_mmap()", "none: mmap_read_unlock(mm); mm_flags_set(MMF_OOM_SKIP, mm); mmap_write_lock(mm); ... free_pgtables()", readMmapExit)},
			Sequence: "if (!mmap_read_trylock(mm))\n\treturn false;\nif (mm_flags_test(MMF_OOM_SKIP, mm))\n\tgoto out_unlock;\n/* walk and zap the VMAs */\nout_unlock:\nmmap_read_unlock(mm);"}),
		// the flag, and whether exit_mmap() took the VMAs out of the
		// tree (vma_iter_clear_gfp() writes the tree)
		Touches: func(c *Call, f *Footprint) { f.mmFlags(mmArg(c, 1), false); f.MM(mmArg(c, 1), false) },
		Fn: func(c *Call) Result {
			bit, bad := flagBit(c)
			if bad != nil {
				return *bad
			}
			m := c.mm(1)
			set := m.flags&bit != 0
			if c.int(0) == MMF_OOM_SKIP && !set && !m.exitTornDown {
				// exit_mmap() sets MMF_OOM_SKIP before it takes the
				// mmap write lock to tear the VMAs down: found clear
				// under this hold, the tree stays until it ends. A
				// teardown that did not set it first (a script's own
				// exit_mmap()) leaves the flag clear and the tree gone.
				c.T.noteLiveHold(m)
			}
			return done(Bool(set))
		}})
	defOp(&Op{Name: "mm_flags_set", Params: flagParams,
		API: register(&API{Name: "mm_flags_set", Section: "-", Hold: "nothing (an atomic set_bit())", Takes: "nothing", Sleeps: "no", Asserts: "none",
			Source: "include/linux/mm_types.h: mm_flags_set(); mm/mmap.c: exit_mmap(); mm/oom_kill.c: __oom_reap_task_mm(), oom_reap_task()",
			Notes: "set_bit(flag, &mm->flags): exit_mmap() sets MMF_OOM_SKIP between its mmap_read_unlock() and its mmap_write_lock(); the OOM reaper " +
				"sets MMF_UNSTABLE before it zaps, and MMF_OOM_SKIP when it is done or gives up",
			Cites: []Cite{cite("mm/mmap.c", "exit_mmap()", "none: mm_flags_set(MMF_OOM_SKIP, mm) before mmap_write_lock(mm)", readMmapExit),
				cite("mm/oom_kill.c", "__oom_reap_task_mm()", "none: mm_flags_set(MMF_UNSTABLE, mm)", readOOMKill)},
			Sequence: "/* mm/mmap.c: exit_mmap() */\nunmap_vmas(&tlb, &unmap);\nmmap_read_unlock(mm);\nmm_flags_set(MMF_OOM_SKIP, mm);\nmmap_write_lock(mm);\n" +
				"free_pgtables(&tlb, &unmap);"}),
		Touches: func(c *Call, f *Footprint) { f.mmFlags(mmArg(c, 1), true) },
		Fn: func(c *Call) Result {
			bit, bad := flagBit(c)
			if bad != nil {
				return *bad
			}
			c.mm(1).flags |= bit
			return ok
		}})

	defOp(&Op{Name: "mmu_notifier_register", Params: []Param{{Name: "mm", Type: TMM},
		{Name: "sleeps", Type: TBool, Optional: true, Default: Bool(false),
			Hint: "the subscriber's ->invalidate_range_start needs to sleep: called for a non-blockable range it returns -EAGAIN"}},
		Result: TInt,
		API: register(&API{Name: "mmu_notifier_register", Section: "2.38", Hold: "an mm_users reference; no mm lock (it takes the mmap lock for write)",
			Takes: "mmap_write_lock(mm) -> __mmu_notifier_register() (mmap_assert_write_locked(), mm_take_all_locks()) -> mmap_write_unlock(mm)", Sleeps: "yes",
			Asserts: "__mmu_notifier_register(): mmap_assert_write_locked(mm); BUG_ON(atomic_read(&mm->mm_users) <= 0)",
			Source:  "mm/mmu_notifier.c: mmu_notifier_register(), __mmu_notifier_register()",
			Notes: "adds a subscriber (a KVM guest, an HMM mirror, an IOMMU SVA bond) whose callbacks the mm's invalidations call; with sleeps=true its " +
				"->invalidate_range_start needs to sleep and fails a non-blockable range with -EAGAIN, which makes " +
				"mmu_notifier_invalidate_range_start_nonblock() fail and the OOM reaper's zap_vma_for_reaping() return -EBUSY. " +
				"mmscript: the subscriber has no callbacks of the script's; mm_take_all_locks() is not modelled",
			Rules: append([]*Rule{ruleNotifierRegisterUsers}, lockRules...),
			Cites: []Cite{cite("mm/mmu_notifier.c", "mmu_notifier_register(), __mmu_notifier_register()",
				"mmap_write_lock(mm); ret = __mmu_notifier_register(subscription, mm); mmap_write_unlock(mm); __mmu_notifier_register(): "+
					"mmap_assert_write_locked(mm); BUG_ON(atomic_read(&mm->mm_users) <= 0)", readNotifierC)},
			Sequence: "/* \"Must not hold mmap_lock nor any other VM related lock when calling this registration function\" */\n" +
				"ret = mmu_notifier_register(&sub->notifier, mm);"}),
		Touches: func(c *Call, f *Footprint) { f.mmNotifiers(mmArg(c, 0), true); f.mmUsers(mmArg(c, 0), false) },
		Fn: func(c *Call) Result {
			m := c.mm(0)
			c.T.MightSleep(c.Op.Name)
			return c.lock(m.MmapLock, Write, func() Result {
				// __mmu_notifier_register(), under the write lock: the
				// BUG kills the task holding it, as the oops does.
				if m.mmUsers <= 0 {
					c.K.violate(c.T, ruleNotifierRegisterUsers, fmt.Sprintf("%s on %s, whose mm_users is %d: its last mmput() runs exit_mmap(), "+
						"whose mmu_notifier_release() the new subscriber would miss (take a reference with mmget_not_zero() first)", c.Op.Name, m.Name, m.mmUsers))
					return ok
				}
				m.notifiers = append(m.notifiers, mmuSubscription{Sleeps: c.bool(1), Pos: c.T.ScriptPos(c.T.Pos)})
				c.unlock(m.MmapLock, Write)
				return done(Int(0))
			})
		}})

	// mmu_notifier_release() is a step of exit_mmap() (kernel/exit.mms):
	// with the subscriptions left in place, a reaper racing exit_mmap()'s
	// read-locked unmap would find a sleeping subscriber the kernel has
	// already unhooked.
	defOp(&Op{Name: "mmu_notifier_release", Params: []Param{{Name: "mm", Type: TMM}},
		API: register(&API{Name: "mmu_notifier_release", Section: "-", Hold: "the mm's last mm_users reference gone (exit_mmap()); no mm lock",
			Takes: "SRCU read side (srcu_read_lock(&srcu)) -> subscribers' ->release() -> notifier_subscriptions->lock (spin) to unhook them", Sleeps: "yes (synchronize_srcu())",
			Asserts: "none", Source: "mm/mmu_notifier.c: __mmu_notifier_release(); mm/mmap.c: exit_mmap()",
			Notes: "\"mm's last user has gone, and its about to be pulled down\": every subscription's ->release() runs and the subscription is " +
				"unhooked, so the invalidations that follow (exit_mmap()'s unmap, a racing OOM reaper's zap_vma_for_reaping()) call no subscriber. " +
				"mmscript: the subscriptions have no callbacks of the script's; the list is emptied",
			Cites:    []Cite{cite("mm/mmap.c", "exit_mmap()", "none: /* mm's last user has gone, and its about to be pulled down */ mmu_notifier_release(mm); mmap_read_lock(mm);", readMmapExit)},
			Sequence: "/* mm/mmap.c: exit_mmap() */\nmmu_notifier_release(mm);\nmmap_read_lock(mm);\narch_exit_mmap(mm);"}),
		Touches: func(c *Call, f *Footprint) { f.mmNotifiers(mmArg(c, 0), true) },
		Fn: func(c *Call) Result {
			m := c.mm(0)
			c.T.MightSleep(c.Op.Name)
			m.notifiers = nil
			return ok
		}})

	defOp(&Op{Name: "mmu_notifier_invalidate_range_start_nonblock", Params: []Param{{Name: "range", Type: TMMURange}}, Result: TInt,
		API: register(&API{Name: "mmu_notifier_invalidate_range_start_nonblock", Section: "2.38",
			Hold:  "the VMA/range stable (mmap, VMA or rmap lock); may be called where sleeping is not allowed",
			Takes: "lockdep pseudo-lock (__mmu_notifier_invalidate_range_start_map) -> subscribers' callbacks with the range non-blockable", Sleeps: "no",
			Asserts: "none (lock_map_acquire/release for lockdep)",
			Source:  "include/linux/mmu_notifier.h: mmu_notifier_invalidate_range_start_nonblock()",
			Notes: "returns 0, or -EAGAIN when a subscriber would have to block: then \"you're not allowed to modify PTEs in the specified range\", and the " +
				"range is not started, so the caller does not call mmu_notifier_invalidate_range_end() (zap_vma_for_reaping() returns -EBUSY). \"This is mainly intended for OOM handling\"",
			MustCheck: "include/linux/mmu_notifier.h: static inline int __must_check mmu_notifier_invalidate_range_start_nonblock(struct mmu_notifier_range *range)",
			Rules:     []*Rule{ruleNotifierUnbalanced},
			Cites: []Cite{cite("include/linux/mmu_notifier.h", "mmu_notifier_invalidate_range_start_nonblock()",
				"none: lock_map_acquire(&__mmu_notifier_invalidate_range_start_map); if (mm_has_notifiers(range->mm)) { range->flags &= ~MMU_NOTIFIER_RANGE_BLOCKABLE; "+
					"ret = __mmu_notifier_invalidate_range_start(range); } lock_map_release(...); return ret;", readNotifierH)},
			Sequence: "mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, vma->vm_mm, vma->vm_start, vma->vm_end);\ntlb_gather_mmu(&tlb, vma->vm_mm);\n" +
				"if (mmu_notifier_invalidate_range_start_nonblock(&range)) {\n\ttlb_finish_mmu(&tlb);\n\treturn -EBUSY;\n}\n/* zap */\nmmu_notifier_invalidate_range_end(&range);\ntlb_finish_mmu(&tlb);"}),
		Touches: func(c *Call, f *Footprint) { f.mmNotifiers(rangeMM(c, 0), false) },
		Fn: func(c *Call) Result {
			r := c.Args[0].Obj.(*MMURange)
			for _, s := range r.MM.notifiers {
				if s.Sleeps {
					// __mmu_notifier_invalidate_range_start() undoes the
					// subscribers it started and returns the error
					return done(Int(-int64(mmcore.EAGAIN)))
				}
			}
			r.started = true
			c.T.notifierRanges = append(c.T.notifierRanges, r)
			return done(Int(0))
		}})

	// zap_vma_for_reaping() is a path of the kernel library
	// (kernel/oom_kill.mms); its entry here is the rule book's.
	defOp(&Op{Name: "zap_vma_for_reaping", Path: true, Touches: touchesLocksOnly, Params: []Param{vmaParam("vma", false)}, Result: TInt,
		API: register(&API{Name: "zap_vma_for_reaping", Section: "2.8",
			Hold:    "the VMA stable (the OOM reaper holds the mmap read lock, taken with mmap_read_trylock()); hugetlb VMAs are not supported",
			Takes:   "mmu_gather -> mmu_notifier_invalidate_range_start_nonblock() (-EBUSY if a subscriber would block) -> PTE lock per table -> notifier end -> tlb_finish_mmu",
			Sleeps:  "no blocking (no notifier sleeps, no uprobe_munmap()); cond_resched() between tables",
			Asserts: "__zap_vma_range(): VM_WARN_ON_ONCE(start >= end || !range_in_vma()), VM_WARN_ON_ONCE(reaping) for hugetlb",
			Source:  "mm/memory.c: zap_vma_for_reaping(), __zap_vma_range(); mm/oom_kill.c: __oom_reap_task_mm()",
			Notes: "a kernel path of the kernel library (kernel/oom_kill.mms): the whole VMA, with details.reaping set; returns 0, or -EBUSY (nothing zapped) " +
				"when mmu_notifier_invalidate_range_start_nonblock() fails",
			Rules: []*Rule{ruleTraverseLock, ruleNotifierUnbalanced},
			Cites: []Cite{cite("mm/memory.c", "zap_vma_for_reaping()", "none: if (mmu_notifier_invalidate_range_start_nonblock(&range)) { tlb_finish_mmu(&tlb); return -EBUSY; } "+
				"__zap_vma_range(&tlb, vma, range.start, range.end, &details);", readMemory2026),
				cite("mm/memory.c", "__zap_vma_range()", "VM_WARN_ON_ONCE(start >= end || !range_in_vma(vma, start, end)); /* uprobe_munmap() might sleep, so skip it when reaping. */ "+
					"... VM_WARN_ON_ONCE(reaping) for hugetlb", readMemory2026),
				cite("mm/memory.c", "zap_vma_for_reaping() (the series that added it)", "none", zapReapingMail)},
			Sequence: "if (!mmap_read_trylock(mm))\n\treturn false;\nif (mm_flags_test(MMF_OOM_SKIP, mm))\n\tgoto out_unlock;\nmas_for_each_rev(&mas, vma, 0) {\n" +
				"\tif (vma->vm_flags & (VM_HUGETLB|VM_PFNMAP))\n\t\tcontinue;\n\tif (vma_is_anonymous(vma) || !(vma->vm_flags & VM_SHARED))\n" +
				"\t\tif (zap_vma_for_reaping(vma))\n\t\t\tret = false;\n}\nout_unlock:\nmmap_read_unlock(mm);"})})
}
