package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
)

// RCU as real grace periods. A task is in an RCU read-side critical
// section while it holds rcu_read_lock, a spinlock (preemption off) or has
// interrupts off: since the flavours were consolidated, all three are
// read-side sections for synchronize_rcu() and call_rcu() (kernel/rcu/tree.c:
// call_rcu() kernel-doc, "regions of code across which interrupts,
// preemption, or softirqs have been disabled also serve as RCU read-side
// critical sections"). A grace period waits for the sections open when it
// began, not for those that begin later:
//
//   - synchronize_rcu() parks the caller (a scheduler wait, so interleavings
//     see it) until they have all ended;
//   - call_rcu(), kfree_rcu(), pte_free_defer() and tlb_remove_table()
//     queue a free that happens when they have ended (mmscript frees at the
//     earliest moment the kernel may, which exposes the most misuse);
//   - tlb_remove_table_sync_one() waits only for IRQs-off regions, as its
//     IPI does (mm/mmu_gather.c), which is what GUP-fast relies on.
//
// A use of memory after its deferred free (a page table read through a
// pointer taken before the free, a page) is reported as rcu/use-after-free
// with the place the free was queued.

type rcuState struct {
	epoch    uint64 // numbers read-side sections
	irqEpoch uint64 // numbers IRQs-off regions
	gps      []*gracePeriod
	// freedAt says where the free of a page table or page freed through
	// RCU was queued.
	freedAt map[any]lang.Pos
	irqs    *Lock // stands for "interrupts disabled" in held locks
}

// gracePeriod is one grace period: the read-side sections (or, for an
// IPI, IRQs-off regions) it waits for, and what it does at its end.
type gracePeriod struct {
	irq     bool             // waits for IRQs-off regions only (tlb_remove_table_sync_one)
	readers map[*Task]uint64 // the section of each task it waits for
	lock    *Lock            // what a waiting task is queued on (named in deadlock reports)
	waiter  *Task
	done    func() // the deferred free, run when the grace period ends
}

// startGP begins a grace period for the sections open now. It returns nil
// when there are none: the grace period is already over.
func (k *Kernel) startGP(irq bool, done func()) *gracePeriod {
	k.fpRCUWrite()
	gp := &gracePeriod{irq: irq, readers: map[*Task]uint64{}, done: done}
	for _, t := range k.Tasks {
		switch {
		case irq && t.irqSection != 0:
			gp.readers[t] = t.irqSection
		case !irq && t.rcuSection != 0:
			gp.readers[t] = t.rcuSection
		}
	}
	if len(gp.readers) == 0 {
		if done != nil {
			done()
		}
		return nil
	}
	name := "RCU grace period"
	if irq {
		name = "tlb_remove_table_sync_one IPI"
	}
	gp.lock = NewLock(ClassRCU, RWSem, name)
	// In task order, not the map's: a run must replay exactly (the
	// readers print in a deadlock's message and are hashed in order).
	for _, t := range k.Tasks {
		if _, ok := gp.readers[t]; ok {
			gp.lock.readers = append(gp.lock.readers, t)
		}
	}
	k.rcu.gps = append(k.rcu.gps, gp)
	return gp
}

// rcuReaderDone is called when t leaves its read-side section.
func (k *Kernel) rcuReaderDone(t *Task) { k.gpReaderDone(t, false) }

func (k *Kernel) gpReaderDone(t *Task, irq bool) {
	if len(k.rcu.gps) == 0 {
		return
	}
	n := 0
	for _, gp := range k.rcu.gps {
		if gp.irq == irq {
			if _, ok := gp.readers[t]; ok {
				delete(gp.readers, t)
				gp.lock.readers = removeTask(gp.lock.readers, t)
			}
		}
		if len(gp.readers) > 0 {
			k.rcu.gps[n] = gp
			n++
			continue
		}
		k.endGP(gp)
	}
	clear(k.rcu.gps[n:])
	k.rcu.gps = k.rcu.gps[:n]
}

// endGP runs a grace period's free and wakes the task waiting for it.
func (k *Kernel) endGP(gp *gracePeriod) {
	if gp.done != nil {
		gp.done()
	}
	if t := gp.waiter; t != nil && t.waitLock == gp.lock {
		gp.lock.waiters = nil
		t.waitLock = nil
	}
}

func removeTask(ts []*Task, t *Task) []*Task {
	for i, x := range ts {
		if x == t {
			return append(ts[:i], ts[i+1:]...)
		}
	}
	return ts
}

// waitGP parks the call's task until gp ends, then runs k.
func (c *Call) waitGP(gp *gracePeriod, k func() Result) Result {
	if gp == nil {
		return k()
	}
	gp.waiter = c.T
	gp.lock.waiters = append(gp.lock.waiters, waiter{c.T, Write})
	c.T.waitLock, c.T.waitMode, c.T.waitPos = gp.lock, Write, c.T.Pos
	c.waiting = k
	return Result{Status: Blocked, Next: resumeWaiting}
}

// deferFree queues free to run after a grace period, remembering where
// the free of obj was queued for later reports.
func (c *Call) deferFree(obj any, free func()) {
	k := c.K
	if k.rcu.freedAt == nil {
		k.rcu.freedAt = map[any]lang.Pos{}
	}
	pos := c.T.Pos
	k.startGP(false, func() {
		k.rcu.freedAt[obj] = pos
		free()
	})
}

var ruleRCUUseAfterFree = &Rule{"rcu/use-after-free",
	"memory freed through RCU (call_rcu, kfree_rcu, pte_free_defer, tlb_remove_table) is used only inside a read-side section " +
		"(rcu_read_lock, a spinlock, IRQs off) that was open when the free was queued; a reference kept after that section is gone",
	"Documentation/RCU/whatisRCU.rst; kernel/rcu/tree.c: call_rcu(); mm/pgtable-generic.c: pte_free_defer(); mm/mmu_gather.c: tlb_remove_table()", Unchecked}

var rulePMDChangeLock = &Rule{"pmdp_collapse_flush/needs-pmd-lock",
	"clearing a PMD entry that points to a PTE table needs the PMD lock (and the mmap, VMA or rmap lock that keeps the VMA), as collapse_huge_page() and retract_page_tables() take it",
	"mm/khugepaged.c: collapse_huge_page(), retract_page_tables() (pmd_lock() around pmdp_collapse_flush()); mm/pgtable-generic.c: pmdp_collapse_flush() (no assertion)", Unchecked}

// freedNote says where the free of obj was queued.
func (k *Kernel) freedNote(obj any, what string) []Related {
	if pos, ok := k.rcu.freedAt[obj]; ok {
		return []Related{{pos, what + " freed through RCU: queued here, freed when the grace period ended"}}
	}
	return nil
}

// checkTable reports a use of a PTE table through p after the table was
// freed. It returns false then.
//
// A task still in the read-side section it mapped the table in is not
// reported: the kernel cannot have freed the table under it. That covers
// the tables munmap's free_pgtables() frees, which mmcore frees at once but
// the kernel hands to tlb_remove_table() and so to a grace period
// (CONFIG_MMU_GATHER_RCU_TABLE_FREE, as on x86).
func (c *Call) checkTable(p *PTE) bool {
	// The check reads whether the table was freed, which a free writes:
	// a read of the entries the table was reached through, whatever the
	// operation declares. Whatever frees a table writes one of them
	// (free_pgtables the upper entry it clears) or every entry (mremap's
	// move, khugepaged's retraction, pte_free_defer).
	if p.MM != nil {
		c.K.fp.PMDAt(p.MM.Core, p.Addr, false)
	}
	if p.Table.Freed() && !c.checkFreedNow(p) {
		return false
	}
	if !p.Table.Freed() || p.rcuSection != 0 && c.T.rcuSection == p.rcuSection {
		return true
	}
	c.K.violate(c.T, ruleRCUUseAfterFree, fmt.Sprintf("%s: the PTE table of %#x was freed; this pointer was taken before the free and no read-side section kept it alive",
		c.Op.Name, uint64(p.Addr)), c.K.freedNote(p.Table, "the PTE table was")...)
	return false
}

// checkPage reports a use of a page freed through RCU.
func (c *Call) checkPage(p *mmcore.Page) bool {
	// The check reads whether p was freed, which the free at a grace
	// period's end writes: a read of p for every use of a page, whatever
	// the operation declares (folio_test_locked declared only the folio
	// lock, and DPOR missed its use after call_rcu's free).
	c.K.fp.Page(p, false)
	if !p.Freed() {
		return true
	}
	if _, rcu := c.K.rcu.freedAt[p]; !rcu {
		return true
	}
	c.K.violate(c.T, ruleRCUUseAfterFree, fmt.Sprintf("%s: pfn %#x was freed after an RCU grace period", c.Op.Name, uint64(p.PFN)),
		c.K.freedNote(p, "the page was")...)
	return false
}

// irqDisable turns interrupts off. It does not nest: local_irq_disable()
// is a plain cli, so a second one changes nothing and the first
// local_irq_enable() turns them on again (include/linux/irqflags.h);
// code that may run with IRQs already off uses local_irq_save() and
// local_irq_restore(), as gup_fast() does.
func (t *Task) irqDisable() {
	if t.irqs > 0 {
		return
	}
	t.irqs = 1
	t.k.clock++
	t.holds = append(t.holds, Hold{Lock: t.k.irqLock(), Mode: Read, Pos: t.Pos, seq: t.k.clock})
	if t.irqSection == 0 {
		t.k.rcu.irqEpoch++
		t.irqSection = t.k.rcu.irqEpoch
		// An IRQs-off section is what tlb_remove_table_sync_one() waits
		// for, even inside a spinlock's RCU section (readerChange then
		// records nothing): the explorer must order the two.
		t.fpRCUSection(false)
	}
	t.readerChange()
}

func (t *Task) irqEnable() bool {
	l := t.k.irqLock()
	for i := len(t.holds) - 1; i >= 0; i-- {
		if t.holds[i].Lock == l {
			t.holds = append(t.holds[:i], t.holds[i+1:]...)
			t.irqs = 0
			t.fpRCUSection(true)
			t.irqSection = 0
			t.k.gpReaderDone(t, true)
			t.readerChange()
			return true
		}
	}
	return false
}

// irqFlagsEnabled is the bit of local_irq_save()'s flags that says the
// interrupts were on (X86_EFLAGS_IF).
const irqFlagsEnabled = 0x200

// irqLock is the pseudo-lock that stands for "interrupts disabled" in a
// task's held locks, so that reports and the sleep check can say where.
func (k *Kernel) irqLock() *Lock {
	if k.rcu.irqs == nil {
		k.rcu.irqs = NewLock(ClassRCU, RWSem, "local_irq_disable")
	}
	return k.rcu.irqs
}

// Where the RCU entries were read (find_string excerpts of the files,
// not a pinned tree).
const (
	readRCU       = "kernel/rcu/tree.c call_rcu() kernel-doc, read in a patch excerpt (undated), not a pinned tree"
	readGatherRCU = "mm/mmu_gather.c (CONFIG_MMU_GATHER_RCU_TABLE_FREE), read in several 2023-2026 versions"
)

// withCite sets an entry's citation and call sequence.
func withCite(a *API, c Cite, seq string) *API {
	a.Cites, a.Sequence = []Cite{c}, seq
	return a
}

// ruleIRQUnbalanced: enabling interrupts that are already on is silent
// even under lockdep: lockdep_hardirqs_on_prepare() and
// lockdep_hardirqs_on() see lockdep_hardirqs_enabled() and only count
// redundant_hardirqs_on (a /proc/lockdep_stats number with
// CONFIG_DEBUG_LOCKDEP); raw_local_irq_enable() is idempotent.
var ruleIRQUnbalanced = &Rule{"irq/unbalanced",
	"local_irq_enable() pairs with a local_irq_disable() of the same thread",
	"kernel/locking/lockdep.c: lockdep_hardirqs_on_prepare(), lockdep_hardirqs_on(): if (lockdep_hardirqs_enabled()) { __debug_atomic_inc(redundant_hardirqs_on); return; } (a statistic, no report)", Unchecked}

func init() {
	defOp(&Op{Name: "synchronize_rcu",
		API: register(&API{Name: "synchronize_rcu", Section: "1.1",
			Hold:    "no RCU read-side section, no spinlock, IRQs on (it sleeps)",
			Takes:   "waits for every RCU read-side section (rcu_read_lock, spinlock, IRQs off) that began before the call",
			Sleeps:  "yes",
			Asserts: "might_sleep(); RCU_LOCKDEP_WARN(lock_is_held(&rcu_lock_map) ...) \"Illegal synchronize_rcu() in RCU read-side critical section\"",
			Source:  "kernel/rcu/tree.c: synchronize_rcu()",
			Notes:   "sections that begin after the call are not waited for; called inside a section it never returns",
			Rules:   []*Rule{ruleSleepInAtomic, ruleSchedAtomic, ruleSchedRCU, ruleSchedIRQsOff},
			Cites: []Cite{cite("kernel/rcu/tree.c", "synchronize_rcu(), call_rcu() kernel-doc",
				"RCU_LOCKDEP_WARN(lock_is_held(&rcu_bh_lock_map) || lock_is_held(&rcu_lock_map) || lock_is_held(&rcu_sched_lock_map), \"Illegal synchronize_rcu() in RCU read-side critical section\"); "+
					"\"regions of code across which interrupts, preemption, or softirqs have been disabled also serve as RCU read-side critical sections\"", readRCU)},
			Sequence: "rcu_assign_pointer(gp, new);    /* unpublish the old object */\n" +
				"synchronize_rcu();               /* every reader that could see it has left */\n" +
				"kfree(old);"}),
		Fn: func(c *Call) Result {
			c.T.MightSleep("synchronize_rcu")
			// wait_rcu_gp() -> wait_for_completion() sleeps even when no
			// reader is left to wait for.
			c.T.Schedule("synchronize_rcu")
			return c.waitGP(c.K.startGP(false, nil), func() Result { return ok })
		}})
	defOp(&Op{Name: "tlb_remove_table_sync_one",
		API: register(&API{Name: "tlb_remove_table_sync_one", Section: "2.39",
			Hold:    "IRQs on",
			Takes:   "an IPI to every CPU, waiting for each to take it: returns once every IRQs-off region open at the call has ended",
			Sleeps:  "no (spins for the IPIs)",
			Asserts: "none",
			Source:  "mm/mmu_gather.c: tlb_remove_table_sync_one() -> smp_call_function(tlb_remove_table_smp_sync, NULL, 1)",
			Notes: "what khugepaged's collapse_huge_page() calls after pmdp_collapse_flush() so that no GUP-fast walker (IRQs off) still " +
				"walks the old table; rcu_read_lock() sections are not waited for. Newer trees skip the IPI when the TLB flush already " +
				"broadcast one (tlb_table_flush_implies_ipi_broadcast()), not modelled",
			Cites: []Cite{cite("mm/mmu_gather.c", "tlb_remove_table_sync_one()", "none: smp_call_function(tlb_remove_table_smp_sync, NULL, 1); "+
				"\"This isn't an RCU grace period ... It is however sufficient for software page-table walkers that rely on IRQ disabling.\"", readGatherRCU)},
			Sequence: "pmd_ptl = pmd_lock(mm, pmd);\n" +
				"_pmd = pmdp_collapse_flush(vma, address, pmd);\n" +
				"spin_unlock(pmd_ptl);\n" +
				"tlb_remove_table_sync_one();    /* no GUP-fast walker is still in the old table */"}),
		Fn: func(c *Call) Result {
			return c.waitGP(c.K.startGP(true, nil), func() Result { return ok })
		}})
	defOp(&Op{Name: "local_irq_disable",
		API: register(&API{Name: "local_irq_disable", Section: "1.1", Hold: "nothing",
			Takes:  "interrupts off on this CPU: no sleeping, no IPI is taken (TLB shootdowns and tlb_remove_table_sync_one wait), and an RCU read-side section",
			Sleeps: "no", Source: "include/linux/irqflags.h: local_irq_disable(); mm/gup.c: gup_fast() (local_irq_save)",
			Cites:    []Cite{cite("mm/gup.c", "gup_fast()", "none: local_irq_save(flags); gup_fast_pgd_range(...); local_irq_restore(flags)", readGUP)},
			Sequence: "local_irq_save(flags);\n/* lockless walk: ptep_get_lockless(), re-check the PMD and PTE */\nlocal_irq_restore(flags);",
			Opens:    []*Rule{ruleSchedIRQsOff}}),
		Fn: func(c *Call) Result { c.T.irqDisable(); return ok }})
	defOp(&Op{Name: "local_irq_enable",
		API: register(&API{Name: "local_irq_enable", Section: "1.1", Hold: "interrupts disabled by this thread",
			Sleeps: "no", Source: "include/linux/irqflags.h: local_irq_enable()", Rules: []*Rule{ruleIRQUnbalanced, rulePMDNotRevalidated},
			Cites: []Cite{cite("kernel/locking/lockdep.c", "lockdep_hardirqs_on_prepare(), lockdep_hardirqs_on()",
				"none for an enable of enabled IRQs: __debug_atomic_inc(redundant_hardirqs_on); return;", readLockdep)},
			Sequence: "local_irq_disable();\n/* no sleeping, no IPIs taken */\nlocal_irq_enable();"}),
		Fn: func(c *Call) Result {
			if !c.T.irqEnable() {
				c.K.violate(c.T, ruleIRQUnbalanced, "local_irq_enable without local_irq_disable")
			}
			c.checkCollapseGrabs() // the IRQs-off walk ends
			return ok
		}})

	defOp(&Op{Name: "local_irq_save", Result: TInt,
		API: register(&API{Name: "local_irq_save", Section: "1.1", Hold: "nothing",
			Takes:  "interrupts off on this CPU, as local_irq_disable(); returns flags saying whether they were on, for local_irq_restore()",
			Sleeps: "no", Source: "include/linux/irqflags.h: local_irq_save(); mm/gup.c: gup_fast()",
			Notes:    "nests where local_irq_disable() does not: code that may be called with IRQs already off saves and restores",
			Cites:    []Cite{cite("mm/gup.c", "gup_fast()", "none: local_irq_save(flags); gup_fast_pgd_range(...); local_irq_restore(flags)", readGUP)},
			Sequence: "unsigned long flags;\n\nlocal_irq_save(flags);\n/* IRQs off, whatever they were before */\nlocal_irq_restore(flags);",
			Opens:    []*Rule{ruleSchedIRQsOff}}),
		Fn: func(c *Call) Result {
			var flags int64
			if c.T.irqs == 0 {
				flags = irqFlagsEnabled
			}
			c.T.irqDisable()
			return done(Int(flags))
		}})
	defOp(&Op{Name: "local_irq_restore", Params: []Param{{Name: "flags", Type: TInt}},
		API: register(&API{Name: "local_irq_restore", Section: "1.1", Hold: "interrupts disabled by this thread's local_irq_save()",
			Takes:  "interrupts back to the state flags saved: on only when they were on at the local_irq_save()",
			Sleeps: "no", Source: "include/linux/irqflags.h: local_irq_restore()", Rules: []*Rule{ruleIRQUnbalanced, rulePMDNotRevalidated},
			Cites: []Cite{cite("kernel/locking/lockdep.c", "lockdep_hardirqs_on_prepare(), lockdep_hardirqs_on()",
				"none for a restore that turns on enabled IRQs: __debug_atomic_inc(redundant_hardirqs_on); return;", readLockdep)},
			Sequence: "local_irq_save(flags);\n/* no sleeping, no IPIs taken */\nlocal_irq_restore(flags);"}),
		Fn: func(c *Call) Result {
			if c.Args[0].Int&irqFlagsEnabled == 0 {
				// Saved with IRQs off: they stay off (or go off again).
				c.T.irqDisable()
				return ok
			}
			if !c.T.irqEnable() {
				c.K.violate(c.T, ruleIRQUnbalanced, "local_irq_restore of enabled flags while interrupts are on")
			}
			c.checkCollapseGrabs() // the IRQs-off walk ends
			return ok
		}})

	ptParams := []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}}
	defOp(&Op{Name: "pte_offset_map", Params: append(ptParams[:2:2], Param{Name: "pmdval", Type: TInt, Optional: true, Default: Int(-1)}), Result: TPTE,
		API: register(&API{Name: "pte_offset_map", Section: "6.4",
			Hold:    "the VMA covering addr stable, or a lockless walker's own protection (GUP-fast: IRQs off)",
			Takes:   "rcu_read_lock(), held until pte_unmap(); no PTE lock",
			Sleeps:  "no; nothing may sleep until pte_unmap",
			Asserts: "none",
			Source:  "mm/pgtable-generic.c: __pte_offset_map(); include/linux/pgtable.h: pte_unmap()",
			Notes:   "returns nil, holding nothing, when there is no PTE table; entries read with ptep_get must be re-checked under the PTE lock before acting on them",
			Rules:   []*Rule{ruleRCUUseAfterFree},
			Cites:   []Cite{cite("mm/pgtable-generic.c", "__pte_offset_map()", "none: rcu_read_lock(); pmdval = pmdp_get_lockless(pmd); if (pmd_none(pmdval) || !pmd_present(pmdval) || pmd_trans_huge(pmdval) || pmd_bad(pmdval)) { rcu_read_unlock(); return NULL; }", readPgtableGeneric)},
			Sequence: "pte = pte_offset_map(pmd, addr);\n" +
				"if (!pte)\n\treturn;    /* no table (or it was just freed) */\n" +
				"entry = ptep_get(pte);\n" +
				"pte_unmap(pte);"}),
		Fn: func(c *Call) Result {
			m, addr := c.mm(0), c.addr(1)
			t := m.Core.Walk(addr).PTETable()
			if pmd := c.Args[2].Int; pmd >= 0 {
				// pte_offset_map(&pmd, addr) on a copy read earlier
				// (GUP-fast): the table it pointed to, linked or not.
				t = c.K.tableOf(pmd)
			}
			if t == nil {
				return done(Nil)
			}
			c.T.rcuLock()
			return done(Obj(TPTE, &PTE{MM: m, Addr: addr &^ (mmcore.PageSize - 1), Table: t, PTL: ptl(m, t), rcuSection: c.T.rcuSection}))
		}})
	defOp(&Op{Name: "pte_unmap", Params: []Param{{Name: "pte", Type: TPTE}},
		API: withCite(unlockAPI("pte_unmap", "a PTE mapped by pte_offset_map", "include/linux/pgtable.h: pte_unmap() -> rcu_read_unlock()", ruleRCUUnbalanced, rulePMDNotRevalidated),
			cite("include/linux/pgtable.h", "pte_unmap()", "none: rcu_read_unlock() (with CONFIG_HIGHPTE: kunmap_local(pte) first)", readPgtableH),
			"pte = pte_offset_map(pmd, addr);\n/* ... */\npte_unmap(pte);"),
		Fn: func(c *Call) Result {
			if !c.T.rcuUnlock() {
				c.K.violate(c.T, ruleRCUUnbalanced, "pte_unmap without a mapped PTE (rcu_read_lock)")
			}
			c.checkCollapseGrabs() // the lockless walk of this table ends
			return ok
		}})
	for _, name := range []string{"ptep_get", "ptep_get_lockless"} {
		defOp(&Op{Name: name, Params: []Param{{Name: "pte", Type: TPTE}}, Result: TInt,
			API: register(&API{Name: name, Section: "6.4",
				Hold:    "the PTE table kept alive: its PTE lock, the read-side section of pte_offset_map, or IRQs off (GUP-fast)",
				Takes:   "nothing (READ_ONCE of the entry)",
				Sleeps:  "no",
				Asserts: "none",
				Source:  "include/linux/pgtable.h: ptep_get(), ptep_get_lockless()",
				Notes: "returns the pfn the entry maps, or -1 for an entry that is not present; reads through the table pointer, so a table freed meanwhile is a use-after-free. " +
					"ptep_get under the PTE lock gives a value good under that hold of the lock: after the lock was dropped and retaken, re-check it with pte_same before using it",
				Rules: []*Rule{ruleRCUUseAfterFree, ruleStaleEntry},
				Cites: []Cite{cite("include/linux/pgtable.h", name+"()", "none: READ_ONCE(*ptep) (ptep_get_lockless() is ptep_get() where a PTE reads atomically)", readPgtableH)},
				Sequence: "pte = pte_offset_map(pmd, addr);    /* or IRQs off in GUP-fast */\n" +
					"entry = " + name + "(pte);\n" +
					"pte_unmap(pte);"}),
			Fn: func(c *Call) Result {
				p := c.Args[0].Obj.(*PTE)
				if !c.checkTable(p) {
					return done(Int(-1))
				}
				e := p.Table.Entry(p.Table.Index(p.Addr))
				val := int64(-1)
				if e.Present() {
					val = int64(e.PFN())
				}
				if name == "ptep_get" {
					return done(c.entryValue(val, p.PTL)) // under the PTE lock: the value carries its epoch (stale_entry.go)
				}
				return done(Int(val))
			}})
	}
	defOp(&Op{Name: "pmd_lock", Params: ptParams, Result: TLock,
		API: register(&API{Name: "pmd_lock", Section: "6.4",
			Hold:     "the VMA stable; the PMD table must exist",
			Takes:    "the split PMD lock of the table holding addr's PMD entry (released with spin_unlock)",
			Sleeps:   "no; nothing may sleep until spin_unlock",
			Asserts:  "lockdep",
			Source:   "include/linux/mm.h: pmd_lock(), pmd_lockptr()",
			Rules:    []*Rule{ruleRecursive, ruleCircular},
			Cites:    []Cite{cite("include/linux/mm.h", "pmd_lock()", "none: spin_lock(pmd_lockptr(mm, pmd))", readMMH)},
			Sequence: "ptl = pmd_lock(mm, pmd);\n/* change the PMD entry */\nspin_unlock(ptl);"}),
		Fn: func(c *Call) Result {
			m, addr := c.mm(0), c.addr(1)
			pmd := m.Core.Walk(addr).PMD()
			if pmd == nil {
				return fail("pmd_lock: no PMD table covers %#x", uint64(addr))
			}
			l := ptl(m, pmd)
			return c.lock(l, Write, func() Result { return done(Obj(TLock, l)) })
		}})
	// pud_lock(mm, pud) (include/linux/mm.h): PUD tables have no split
	// lock, so pud_lockptr() is &mm->page_table_lock; mmscript names the
	// PUD entry by the address it covers, as pmd_lock() does.
	defOp(&Op{Name: "pud_lock", Params: ptParams, Result: TLock,
		API: register(&API{Name: "pud_lock", Section: "6.4",
			Hold:    "the VMA stable; the PUD table must exist",
			Takes:   "mm->page_table_lock (pud_lockptr(): PUD tables have no split lock; released with spin_unlock)",
			Sleeps:  "no; nothing may sleep until spin_unlock",
			Asserts: "lockdep",
			Source:  "include/linux/mm.h: pud_lock(), pud_lockptr()",
			Notes: "pmd_lock()'s sibling one level up, with its rules: the lock is the mm's page_table_lock, which also guards upper-table population " +
				"(__pmd_alloc() takes it through pud_lock()) and the publication of vma->anon_vma, so it nests with neither",
			Rules: []*Rule{ruleRecursive, ruleCircular},
			Cites: []Cite{cite("include/linux/mm.h", "pud_lockptr(), pud_lock()", "none: static inline spinlock_t *pud_lockptr(struct mm_struct *mm, pud_t *pud) { return &mm->page_table_lock; } "+
				"spinlock_t *ptl = pud_lockptr(mm, pud); spin_lock(ptl); return ptl;", readMMH2026)},
			Sequence: "ptl = pud_lock(mm, pud);\nif (pud_none(*pud))\n\tpud_populate(mm, pud, new);\nspin_unlock(ptl);"}),
		Touches: func(c *Call, f *Footprint) { f.PMDAt(mmArg(c, 0), c.addr(1), false) },
		Fn: func(c *Call) Result {
			m, addr := c.mm(0), c.addr(1)
			if m.Core.Walk(addr).Tables[mmcore.LevelPUD] == nil {
				return fail("pud_lock: no PUD table covers %#x", uint64(addr))
			}
			l := m.PageTableLock
			return c.lock(l, Write, func() Result { return done(Obj(TLock, l)) })
		}})
	defOp(&Op{Name: "pte_lockptr", Params: ptParams, Result: TLock,
		API: register(&API{Name: "pte_lockptr", Section: "6.4",
			Hold: "what keeps addr's PMD entry pointing to its PTE table: the PMD lock after check_pmd_state() (retract_page_tables), " +
				"or the mmap or VMA lock",
			Takes:   "nothing: it returns the split PTE lock of that table, for spin_lock() or spin_lock_nested()",
			Sleeps:  "no",
			Asserts: "none",
			Source:  "include/linux/mm.h: pte_lockptr() -> ptlock_ptr(page_ptdesc(pmd_page(*pmd)))",
			Cites: []Cite{cite("mm/khugepaged.c", "retract_page_tables()", "none: pml = pmd_lock(mm, pmd); if (check_pmd_state(pmd) != SCAN_SUCCEED) goto drop_pml; "+
				"ptl = pte_lockptr(mm, pmd); if (ptl != pml) spin_lock_nested(ptl, SINGLE_DEPTH_NESTING);", readKhugepaged2026)},
			Sequence: "pml = pmd_lock(mm, pmd);\nif (check_pmd_state(pmd) != SCAN_SUCCEED)\n\tgoto drop_pml;\nptl = pte_lockptr(mm, pmd);\n" +
				"if (ptl != pml)\n\tspin_lock_nested(ptl, SINGLE_DEPTH_NESTING);"}),
		Touches: func(c *Call, f *Footprint) { f.PMDAt(mmArg(c, 0), c.addr(1), false) }, // the walk to the PTE table
		Fn: func(c *Call) Result {
			m, addr := c.mm(0), c.addr(1)
			t := m.Core.Walk(addr).PTETable()
			if t == nil {
				// The kernel would read a freed or absent table's ptdesc:
				// the race check_pmd_state() under the PMD lock rules out.
				return fail("pte_lockptr: the PMD entry of %#x points to no PTE table (test check_pmd_state() under the PMD lock first)", uint64(addr))
			}
			return done(Obj(TLock, ptl(m, t)))
		}})
	defOp(&Op{Name: "pmdp_collapse_flush", Params: []Param{{Name: "vma", Type: TVMA}, {Name: "addr", Type: TInt}}, Result: TPTE,
		API: register(&API{Name: "pmdp_collapse_flush", Section: "2.31",
			Hold:    "the PMD lock (pmd_lock), and the mmap lock (khugepaged: write) or the rmap lock that keeps the VMA",
			Takes:   "nothing; clears the PMD entry and flushes the TLB for the whole PMD range",
			Sleeps:  "no",
			Asserts: "VM_BUG_ON(address & ~HPAGE_PMD_MASK), VM_BUG_ON(pmd_trans_huge(*pmdp)) (debug kernels); no lock assertion",
			Source:  "mm/pgtable-generic.c: pmdp_collapse_flush(); mm/khugepaged.c: collapse_huge_page(), retract_page_tables()",
			Notes: "returns the detached PTE table (pmd_pgtable of the old PMD) as a pte handle for pte_free_defer or tlb_remove_table; " +
				"lockless walkers that read the PMD before the clear may still be reading the table, which is why it is freed through RCU",
			Rules: []*Rule{rulePMDChangeLock},
			Cites: []Cite{cite("mm/pgtable-generic.c", "pmdp_collapse_flush()", "VM_BUG_ON(address & ~HPAGE_PMD_MASK); VM_BUG_ON(pmd_trans_huge(*pmdp)); no lock assertion", readPgtableGeneric),
				cite("mm/khugepaged.c", "collapse_huge_page()", "none: mmap_write_lock(mm); vma_start_write(vma); anon_vma_lock_write(vma->anon_vma); ... pmd_ptl = pmd_lock(mm, pmd); _pmd = pmdp_collapse_flush(vma, pmd_addr, pmd); spin_unlock(pmd_ptl)", readKhugepaged2026)},
			Sequence: "mmap_write_lock(mm);    /* collapse_huge_page; retract_page_tables holds i_mmap instead */\n" +
				"pmd_ptl = pmd_lock(mm, pmd);\n" +
				"_pmd = pmdp_collapse_flush(vma, address, pmd);\n" +
				"spin_unlock(pmd_ptl);\n" +
				"pte_free_defer(mm, pmd_pgtable(_pmd));"}),
		Fn: func(c *Call) Result {
			v, addr := c.vma(0), c.addr(1)&^(mmcore.PMD_SIZE-1)
			m := mmOf(v.MM())
			w := m.Core.Walk(addr)
			if w.PMD() == nil || w.PTETable() == nil {
				return done(Nil)
			}
			if ptl(m, w.PMD()).heldBy(c.T) == 0 {
				c.K.violate(c.T, rulePMDChangeLock, fmt.Sprintf("pmdp_collapse_flush at %#x without %s held", uint64(addr), ptl(m, w.PMD()).Name))
			}
			c.checkNonTerminalChange(v, m, addr, w.PMD(), w.PTETable())
			t := m.Core.UnlinkPTETable(addr)
			m.Core.TLB.FlushRange(addr, addr+mmcore.PMD_SIZE)
			return done(Obj(TPTE, &PTE{MM: m, Addr: addr, Table: t, PTL: ptl(m, t)}))
		}})
	for _, name := range []string{"pte_free_defer", "tlb_remove_table"} {
		src := "mm/pgtable-generic.c: pte_free_defer() -> call_rcu(&page->rcu_head, pte_free_now)"
		freeCite := cite("mm/pgtable-generic.c", "pte_free_defer()", "none: call_rcu(&page->rcu_head, pte_free_now)", readPgtableGeneric)
		if name == "tlb_remove_table" {
			freeCite = cite("mm/mmu_gather.c", "tlb_remove_table(), tlb_remove_table_free()", "none: call_rcu(&batch->rcu, tlb_remove_table_rcu)", readGatherRCU)
			src = "mm/mmu_gather.c: tlb_remove_table() (CONFIG_MMU_GATHER_RCU_TABLE_FREE, as on x86): the batch is freed by tlb_remove_table_rcu() after a grace period"
		}
		defOp(&Op{Name: name, Params: []Param{{Name: "mm", Type: TMM}, {Name: "table", Type: TPTE}},
			API: register(&API{Name: name, Section: "2.39",
				Hold:    "the table already detached from its PMD (pmdp_collapse_flush, free_pgtables' pmd_clear)",
				Takes:   "nothing; the table is freed after an RCU grace period",
				Sleeps:  "no",
				Asserts: "none",
				Source:  src,
				Notes:   "lockless walkers (rcu_read_lock in pte_offset_map, IRQs off in GUP-fast) that began before the call may go on reading the table until they end",
				Rules:   []*Rule{ruleRCUUseAfterFree},
				Cites:   []Cite{freeCite},
				Sequence: "_pmd = pmdp_collapse_flush(vma, address, pmd);    /* under the PMD lock */\n" +
					name + "(mm, pmd_pgtable(_pmd));"}),
			Fn: func(c *Call) Result {
				m, p := c.mm(0), c.Args[1].Obj.(*PTE)
				if !c.checkTable(p) {
					return ok
				}
				if !p.Table.Detached() {
					return fail("%s: the PTE table of %#x is still linked in its PMD: clear the PMD first (pmdp_collapse_flush)", c.Op.Name, uint64(p.Addr))
				}
				t := p.Table
				c.deferFree(t, func() { m.Core.FreeDetachedTable(t) })
				return ok
			}})
	}
	for _, name := range []string{"kfree_rcu", "call_rcu"} {
		defOp(&Op{Name: name, Params: []Param{{Name: "page", Type: TPage}},
			API: register(&API{Name: name, Section: "1.1",
				Hold:    "a reference on the page, which the call gives up",
				Takes:   "nothing; the reference is dropped (put_page, freeing the page if it was the last) after an RCU grace period",
				Sleeps:  "no",
				Asserts: "none",
				Source:  "include/linux/rcupdate.h: kfree_rcu(); kernel/rcu/tree.c: call_rcu()",
				Notes:   "mmscript applies it to a page: a driver's call_rcu() callback that frees the page; readers that began before the call may still use it",
				Rules:   []*Rule{ruleRCUUseAfterFree},
				Cites:   []Cite{cite("kernel/rcu/tree.c", "call_rcu()", "none; the callback runs after \"a full grace period ... all pre-existing RCU read-side critical sections have completed\"", readRCU)},
				Sequence: "rcu_assign_pointer(priv->page, NULL);\n" +
					name + "(...);    /* freed once pre-existing readers have left */"}),
			Fn: func(c *Call) Result {
				p := c.page(0)
				if !c.checkPage(p) {
					return ok
				}
				c.deferFree(p, func() { _ = p.Put() })
				return ok
			}})
	}
}
