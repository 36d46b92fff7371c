package runtime

import (
	"fmt"
	"slices"

	"github.com/mmscript/mmscript/lang"

	"github.com/mmscript/mmscript/mmcore"
)

// mmu notifier ranges and the huge-PMD split, as the kernel paths of
// mremap and fork (and a script) call them.

// MMURange is a struct mmu_notifier_range (include/linux/mmu_notifier.h).
type MMURange struct {
	Owned      // the thread that made it (owned.go)
	MM         *MM
	Event      string
	Start, End mmcore.Addr
	started    bool
	pos        lang.Pos // where mmu_notifier_range_init() filled it
}

func (r *MMURange) String() string {
	return fmt.Sprintf("mmu_notifier_range(%s, %#x-%#x)", r.Event, uint64(r.Start), uint64(r.End))
}

var mmuNotifyEvents = []string{"unmap", "clear", "protection_vma", "protection_page", "soft_dirty", "release", "migrate", "exclusive"}

var ruleNotifierUnbalanced = &Rule{"mmu_notifier/unbalanced",
	"mmu_notifier_invalidate_range_end() closes a range that mmu_notifier_invalidate_range_start() opened, once",
	"include/linux/mmu_notifier.h: mmu_notifier_invalidate_range_start()/_end() are paired around the page-table change; an unpaired end leaves subscribers' counters (mn_itree_inv_end) wrong", Unchecked}

var ruleNotifierRangeMisses = &Rule{"mmu_notifier_range_init/misses-change",
	"the range given to mmu_notifier_range_init() covers every page-table entry the thread changes between mmu_notifier_invalidate_range_start() " +
		"and _end(): subscribers (KVM, HMM, IOMMU SVA) drop their secondary mappings of [start, end) only, and may establish them again after _end(); " +
		"an entry cleared outside the range stays mapped in the secondary MMU, which goes on reaching the page after it is freed",
	"include/linux/mmu_notifier.h: struct mmu_notifier_ops comment: \"the establishment of sptes is forbidden in the range passed to " +
		"invalidate_range_start/end for the whole duration of the invalidate_range_start/end critical section ... The VM will remove the page table " +
		"entries and potentially the page between invalidate_range_start() and invalidate_range_end()\" (no check)", Unchecked}

// checkNotifierCovers reports a change of the entry at addr of m that
// lies outside every mmu_notifier range of m the task has started and
// not ended (none started: nothing to check); false when it reported.
func (c *Call) checkNotifierCovers(m *MM, addr mmcore.Addr) bool {
	var missed *MMURange
	for _, r := range c.T.notifierRanges {
		if r.MM != m {
			continue
		}
		if addr >= r.Start && addr < r.End {
			return true
		}
		if missed == nil {
			missed = r
		}
	}
	if missed == nil {
		return true
	}
	c.K.violate(c.T, ruleNotifierRangeMisses, fmt.Sprintf("%s changes the entry at %#x inside the notifier invalidation of %s, which does not "+
		"cover it: secondary MMUs keep their mapping of %#x", c.Op.Name, uint64(addr), missed, uint64(addr)),
		Related{missed.pos, "mmu_notifier_range_init() here"})
	return false
}

var ruleSplitUnaligned = &Rule{"split_huge_pmd_locked/unaligned",
	"split_huge_pmd_locked() is given the PMD-aligned address of the huge entry",
	"mm/huge_memory.c: split_huge_pmd_locked() VM_WARN_ON_ONCE(!IS_ALIGNED(address, HPAGE_PMD_SIZE))", DebugOnly}

var ruleSplitPMDLock = &Rule{"split_huge_pmd_locked/needs-pmd-lock",
	"split_huge_pmd_locked() runs under the PMD lock of the entry it splits (__split_huge_pmd() takes pmd_lock() around it), inside an mmu-notifier invalidation",
	"mm/huge_memory.c: __split_huge_pmd(): ptl = pmd_lock(vma->vm_mm, pmd); split_huge_pmd_locked(vma, range.start, pmd, freeze); spin_unlock(ptl) (no assertion)", Unchecked}

// The x86 TLB flush of a user mm needs interrupts enabled, whether it
// reaches other CPUs or not: flush_tlb_mm_range() IPIs the CPUs of
// mm_cpumask() through flush_tlb_multi() -> on_each_cpu_cond_mask() ->
// smp_call_function_many_cond(), which waits for them (two CPUs doing so
// with interrupts off wait for each other forever), and flushes a
// this-CPU-only mm between local_irq_disable() and local_irq_enable(),
// which would turn the caller's interrupts back on. Both branches assert
// it; INVLPGB broadcast (mm_global_asid()) does neither.
var ruleFlushMMIRQsOff = &Rule{"flush_tlb_mm/irqs-disabled",
	"flush_tlb_mm() is called with interrupts enabled: on x86 it IPIs the other CPUs of the mm and waits for them (smp_call_function_many_cond(): " +
		"\"Can deadlock when called with interrupts disabled\"), or flushes locally between local_irq_disable() and local_irq_enable()",
	flushIRQSource, Lockdep}

var ruleFlushRangeIRQsOff = &Rule{"flush_tlb_range/irqs-disabled",
	"flush_tlb_range() is called with interrupts enabled (it may be called under the PTE lock, a spinlock that leaves them on): on x86 it IPIs the " +
		"other CPUs of the mm and waits for them (smp_call_function_many_cond(): \"Can deadlock when called with interrupts disabled\"), or flushes " +
		"locally between local_irq_disable() and local_irq_enable()",
	flushIRQSource, Lockdep}

const flushIRQSource = "arch/x86/mm/tlb.c: flush_tlb_mm_range(): cpumask_any_but(mm_cpumask(mm), cpu) < nr_cpu_ids -> flush_tlb_multi() -> " +
	"native_flush_tlb_multi() -> on_each_cpu_cond_mask() -> kernel/smp.c: smp_call_function_many_cond(): lockdep_assert_irqs_enabled() " +
	"(\"Can deadlock when called with interrupts disabled\"); else lockdep_assert_irqs_enabled(); local_irq_disable(); flush_tlb_func(info); local_irq_enable()"

func flushIRQCites(macro string) []Cite {
	return []Cite{
		cite("arch/x86/mm/tlb.c", "flush_tlb_mm_range()", "lockdep_assert_irqs_enabled() before the local flush; "+macro, readX86TLB2026),
		cite("kernel/smp.c", "smp_call_function_many_cond()", "lockdep_assert_preemption_disabled(); if (cpu_online(this_cpu) && !oops_in_progress && "+
			"!early_boot_irqs_disabled) lockdep_assert_irqs_enabled()", readSMP),
		// 6.18 reacts the same way: its flush_tlb_mm_range() has the
		// branches and the assertion of mainline's.
		cite("arch/x86/mm/tlb.c", "flush_tlb_mm_range() (6.18)", "if (mm_global_asid(mm)) broadcast_tlb_flush(info); else if (cpumask_any_but(mm_cpumask(mm), cpu) < nr_cpu_ids) "+
			"{ ...; flush_tlb_multi(mm_cpumask(mm), info); consider_global_asid(mm); } else if (mm == this_cpu_read(cpu_tlbstate.loaded_mm)) "+
			"{ lockdep_assert_irqs_enabled(); local_irq_disable(); flush_tlb_func(info); local_irq_enable(); }", readX86TLB618),
	}
}

// flushNeedsIRQs reports r when the task flushes with interrupts off.
func flushNeedsIRQs(c *Call, r *Rule) {
	if c.T.irqs > 0 {
		c.K.violate(c.T, r, fmt.Sprintf("%s with interrupts disabled: x86's flush_tlb_mm_range() asserts lockdep_assert_irqs_enabled() (IPIs to the "+
			"mm's other CPUs wait for them: two CPUs flushing each other with interrupts off deadlock; a local-only flush re-enables interrupts)", c.Op.Name))
	}
}

func init() {
	fieldTable[TMMURange] = map[string]func(k *Kernel, x any) Value{
		"start": func(_ *Kernel, x any) Value { return Int(int64(x.(*MMURange).Start)) },
		"end":   func(_ *Kernel, x any) Value { return Int(int64(x.(*MMURange).End)) },
	}
	fieldTypes[TMMURange] = map[string]Type{"start": TInt, "end": TInt}

	notifierCite := cite("include/linux/mmu_notifier.h", "mmu_notifier_invalidate_range_start()", "might_sleep(); lock_map_acquire(&__mmu_notifier_invalidate_range_start_map); ... lock_map_release()", readNotifierH)
	defOp(&Op{Name: "mmu_notifier_range_init",
		Params: []Param{{Name: "event", Type: TWord, Words: mmuNotifyEvents}, {Name: "flags", Type: TInt},
			{Name: "mm", Type: TMM}, {Name: "start", Type: TInt}, {Name: "end", Type: TInt}},
		Result: TMMURange,
		API: register(&API{Name: "mmu_notifier_range_init", Section: "2.38", Hold: "nothing", Takes: "nothing", Sleeps: "no",
			Source: "include/linux/mmu_notifier.h: mmu_notifier_range_init()",
			Notes: "fills a struct mmu_notifier_range (event: unmap, clear, protection_vma, protection_page, ...) for _start/_end; " +
				"[start, end) must cover every entry the thread changes until _end",
			Rules: []*Rule{ruleNotifierRangeMisses},
			Cites: []Cite{notifierCite, cite("include/linux/mmu_notifier.h", "struct mmu_notifier_ops (invalidate_range_start/_end comment)",
				"none: \"the establishment of sptes is forbidden in the range passed to invalidate_range_start/end for the whole duration of the "+
					"invalidate_range_start/end critical section\"", readNotifierH)}}),
		Touches: func(c *Call, f *Footprint) {},
		Fn: func(c *Call) Result {
			start, end := c.addr(3), c.addr(4)
			if end < start {
				return fail("mmu_notifier_range_init: end %#x before start %#x", uint64(end), uint64(start))
			}
			return done(Obj(TMMURange, &MMURange{Owned: ownedBy(c.T), MM: c.mm(2), Event: c.word(0), Start: start, End: end, pos: c.T.Pos}))
		}})
	if a := takeDocumented("mmu_notifier_invalidate_range_start"); a != nil {
		a.Rules = []*Rule{ruleSleepInAtomic}
		a.Notes += "; mmscript: the blocking start checks the context (might_sleep()); subscribers registered with mmu_notifier_register() " +
			"matter to _nonblock only, which fails with -EAGAIN when one of them would sleep"
		register(a)
	}
	defOp(&Op{Name: "mmu_notifier_invalidate_range_start", Params: []Param{{Name: "range", Type: TMMURange}},
		API:     LookupAPI("mmu_notifier_invalidate_range_start"),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			r := c.Args[0].Obj.(*MMURange)
			c.T.MightSleep("mmu_notifier_invalidate_range_start")
			r.started = true
			c.T.notifierRanges = append(c.T.notifierRanges, r)
			return ok
		}})
	defOp(&Op{Name: "mmu_notifier_invalidate_range_end", Params: []Param{{Name: "range", Type: TMMURange}},
		API: register(&API{Name: "mmu_notifier_invalidate_range_end", Section: "2.38", Hold: "the range started",
			Takes: "subscribers' callbacks", Sleeps: "only if blockable", Source: "include/linux/mmu_notifier.h: mmu_notifier_invalidate_range_end()",
			Rules: []*Rule{ruleNotifierUnbalanced}, Cites: []Cite{notifierCite}}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			r := c.Args[0].Obj.(*MMURange)
			if !r.started {
				c.K.violate(c.T, ruleNotifierUnbalanced, fmt.Sprintf("mmu_notifier_invalidate_range_end of %s, which was not started (or ended already)", r))
			}
			r.started = false
			if i := slices.Index(c.T.notifierRanges, r); i >= 0 {
				c.T.notifierRanges = slices.Delete(c.T.notifierRanges, i, i+1)
			}
			return ok
		}})

	if a := takeDocumented("split_huge_pmd"); a != nil {
		a.Rules = []*Rule{ruleTraverseLock, ruleSleepInAtomic}
		a.Notes += "; mmscript: split_huge_pmd(vma, addr), each of its locks a step"
		register(a)
	}
	defOp(&Op{Name: "split_huge_pmd", Params: []Param{{Name: "vma", Type: TVMA}, {Name: "addr", Type: TInt}},
		API: LookupAPI("split_huge_pmd"),
		// addr's PMD entry: a huge one becomes a PTE table (its leaves
		// are reached only through it, see pteWalk) and its folio's
		// pages gain PTE mappings (splitHugePMDTouches); any other is
		// only read (the lockless pre-check returns)
		Touches: func(c *Call, f *Footprint) {
			m := vmaMM(c, 0)
			f.MM(m, false)
			if m != nil {
				splitHugePMDTouches(f, m, c.addr(1))
			}
			f.TLB(m, true)
			f.Alloc()
		},
		Fn: func(c *Call) Result {
			v, addr := c.vma(0), c.addr(1)
			m := mmOf(v.MM())
			c.requireStable(m, addr, ruleTraverseLock)
			w := m.Core.Walk(addr)
			if !w.Huge() { // the lockless pre-check of the split_huge_pmd() macro
				return ok
			}
			c.T.MightSleep("split_huge_pmd (mmu_notifier_invalidate_range_start)")
			l := ptl(m, w.PMD())
			return c.lock(l, Write, func() Result {
				m.Core.SplitHugePMD(addr) // rechecked under the lock; flushes the PMD range
				c.unlock(l, Write)
				return ok
			})
		}})
	if a := takeDocumented("split_huge_pmd_locked"); a != nil {
		a.Rules = []*Rule{ruleSplitPMDLock, ruleSplitUnaligned}
		register(a)
	}
	defOp(&Op{Name: "split_huge_pmd_locked", Params: []Param{{Name: "vma", Type: TVMA}, {Name: "addr", Type: TInt},
		{Name: "freeze", Type: TBool, Optional: true, Default: Bool(false)}},
		API: LookupAPI("split_huge_pmd_locked"),
		Touches: func(c *Call, f *Footprint) {
			m := vmaMM(c, 0)
			f.PMDAt(m, c.addr(1), true) // the huge PMD entry it splits
			if m != nil && m.Walk(c.addr(1)).Huge() {
				f.AllPages(true) // and its folio's pages (splitHugePMDTouches)
			}
			f.TLB(m, true)
			f.Alloc()
		},
		Fn: func(c *Call) Result {
			v, addr := c.vma(0), c.addr(1)
			m := mmOf(v.MM())
			if addr%mmcore.PMD_SIZE != 0 {
				c.K.violate(c.T, ruleSplitUnaligned, fmt.Sprintf("split_huge_pmd_locked at %#x, not HPAGE_PMD_SIZE aligned", uint64(addr)))
			}
			w := m.Core.Walk(addr)
			if pmd := w.PMD(); pmd != nil && ptl(m, pmd).heldBy(c.T) == 0 {
				c.K.violate(c.T, ruleSplitPMDLock, fmt.Sprintf("split_huge_pmd_locked at %#x without %s held", uint64(addr), ptl(m, pmd).Name))
			}
			if w.Huge() {
				m.Core.SplitHugePMD(addr)
			}
			return ok
		}})

	defOp(&Op{Name: "flush_tlb_mm", Params: []Param{{Name: "mm", Type: TMM}},
		API: register(&API{Name: "flush_tlb_mm", Section: "2.40", Hold: "the mm stable; interrupts enabled (x86)", Takes: "arch IPIs", Sleeps: "no",
			Asserts: "x86: lockdep_assert_irqs_enabled() in flush_tlb_mm_range() (local flush) or smp_call_function_many_cond() (IPIs)",
			Source:  "include/asm-generic/tlbflush.h: flush_tlb_mm(); arch/x86/mm/tlb.c: flush_tlb_mm_range(); kernel/fork.c, mm/mmap.c: dup_mmap()",
			Notes:   "flushes every TLB entry of the mm on every CPU (fork, after write-protecting the parent's COW pages)",
			Rules:   []*Rule{ruleFlushMMIRQsOff},
			// kernel_fork.go's init (run first: files init in name order) cites dup_mmap()
			Cites: append(citeTable["flush_tlb_mm"], flushIRQCites("flush_tlb_mm(mm) is flush_tlb_mm_range(mm, 0UL, TLB_FLUSH_ALL, 0UL, true)")...)}),
		Touches: func(c *Call, f *Footprint) { f.TLB(mmArg(c, 0), true) },
		Fn: func(c *Call) Result {
			m := c.mm(0)
			flushNeedsIRQs(c, ruleFlushMMIRQsOff)
			m.Core.TLB.FlushAll()
			c.T.tlbFlushed(m, 0, m.Core.TaskSize())
			return ok
		}})
}

// splitHugePMDTouches is split_huge_pmd()'s footprint at addr: the PMD
// entry, written when it is huge, and then the folio's pages too:
// __split_huge_pmd_locked() maps each subpage by a PTE (its mapcount
// rises) and drops the folio's entire mapping (folio_remove_rmap_pmd),
// or, for a file THP, unmaps it. Every page is written, as a zap of a
// huge PMD writes them (ZappedPages): naming 512 pages would cost more
// in every dependence check than the commutations it would keep.
func splitHugePMDTouches(f *Footprint, m *mmcore.MM, addr mmcore.Addr) {
	huge := m.Walk(addr).Huge()
	f.PMDAt(m, addr, huge)
	if huge {
		f.AllPages(true)
	}
}
