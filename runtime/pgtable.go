package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// PTE is what pte_offset_map_lock returns: a mapped PTE with its table's
// lock held, until pte_unmap_unlock.
type PTE struct {
	MM    *MM
	Addr  mmcore.Addr
	Table *mmcore.PageTable
	PTL   *Lock
	// rcuSection is the read-side section the mapping task was in when it
	// mapped the table (rcu.go: a table cannot be freed under it).
	rcuSection uint64
}

func (p *PTE) String() string { return fmt.Sprintf("pte(%#x)", uint64(p.Addr)) }

// ptl returns the split lock living in page-table page t: the PTE lock of a
// PTE table, the PMD lock of a PMD table.
func ptl(m *MM, t *mmcore.PageTable) *Lock {
	if l, ok := t.Lock.(*Lock); ok {
		return l
	}
	class, what := ClassPTELock, "pte_lock"
	if t.Level() == mmcore.LevelPMD {
		class, what = ClassPMDLock, "pmd_lock"
	}
	// fmt.Sprintf("%s->%s(%#x)", ...) in one allocation: a table's lock
	// is made at its first use, in every run of the explorer.
	var b [64]byte
	name := append(append(append(b[:0], m.Name...), "->"...), what...)
	name = append(appendHex(append(name, '('), uint64(t.Base())), ')')
	l := NewLock(class, Spin, string(name))
	l.pt = ptOwner{table: t, mm: m}
	t.Lock = l
	return l
}

// ptOwner is the page-table page a split page-table lock lives in, and
// the mm whose table it is.
type ptOwner struct {
	table *mmcore.PageTable
	mm    *MM
}

// isPTLOf reports whether l is a page-table lock of m by identity:
// m->page_table_lock, or the split lock living in a PTE or PMD table of
// m (the lock ptl() made for that table, which the table still holds).
func (l *Lock) isPTLOf(m *MM) bool {
	if l == m.PageTableLock {
		return true
	}
	return l.pt.table != nil && l.pt.mm == m && l.pt.table.Lock == l
}

// allocLocks returns the locks the kernel takes, one after the other, to
// publish the tables an allocation added: mm->page_table_lock for
// P4D/PUD/PMD tables (__pud_alloc, __pmd_alloc) and the PMD lock for a PTE
// table (__pte_alloc).
func allocLocks(m *MM, w *mmcore.Walk, a mmcore.Alloc) []*Lock {
	var ls []*Lock
	if a.NeedsPageTableLock() {
		ls = append(ls, m.PageTableLock)
	}
	if a.NeedsPMDLock() && w.PMD() != nil {
		ls = append(ls, ptl(m, w.PMD()))
	}
	return ls
}

// touchLocks takes and drops each lock in turn (a contended one blocks the
// task), for the locks an operation holds only briefly around a change the
// simulator makes at once; then k.
func (c *Call) touchLocks(ls []*Lock, k func() Result) Result {
	if len(ls) == 0 {
		// No closure over ls for seq: most steps allocate no table.
		return k()
	}
	return seq(len(ls), func(i int, next func() Result) Result {
		return c.lock(ls[i], Write, func() Result {
			c.unlock(ls[i], Write)
			return next()
		})
	}, k)
}

// underPTL allocates the tables for addr (taking the allocation locks),
// then runs fn under the PTE lock, as get_locked_pte() callers do; then k.
func (c *Call) underPTL(m *MM, addr mmcore.Addr, fn func(), k func() Result) Result {
	if m.Core.Walk(addr).Huge() {
		// get_locked_pte() returns NULL under a huge PMD, with no lock
		// taken (pte_alloc() allocates nothing, pte_offset_map_lock()
		// finds no table): fn's operation fails the same way
		// (mmcore.MM.getLockedPTE)
		fn()
		return k()
	}
	w, alloc, err := m.Core.AllocTables(addr)
	if err != nil {
		fn() // let fn see the error from the operation itself
		return k()
	}
	// The continuation keeps the PTE table, not the walk, which then
	// stays on the stack.
	pt := w.PTETable()
	return c.touchLocks(allocLocks(m, &w, alloc), func() Result {
		l := ptl(m, pt)
		return c.lock(l, Write, func() Result {
			fn()
			c.unlock(l, Write)
			return k()
		})
	})
}

// ptlsOf returns the PTE locks of the existing PTE tables covering [start, end).
func ptlsOf(m *MM, start, end mmcore.Addr) []*Lock {
	var ls []*Lock
	for a := start &^ (mmcore.PMD_SIZE - 1); a < end; a += mmcore.PMD_SIZE {
		w := m.Core.Walk(max(a, start))
		if t := w.PTETable(); t != nil {
			ls = append(ls, ptl(m, t))
		}
		if a+mmcore.PMD_SIZE < a {
			break
		}
	}
	return ls
}

func init() {
	defOp(&Op{Name: "pte_offset_map_lock", Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt},
		{Name: "pmdval", Type: TInt, Optional: true, Default: Int(-1)}}, Result: TPTE,
		API: register(&API{Name: "pte_offset_map_lock", Section: "6.4",
			Hold:    "the VMA covering addr stable (mmap, VMA or rmap lock)",
			Takes:   "RCU (pte_offset_map) -> PTE lock, then rechecks the PMD",
			Sleeps:  "no; nothing may sleep until pte_unmap_unlock",
			Asserts: "none",
			Source:  "mm/pgtable-generic.c: __pte_offset_map_lock(); process_addrs.rst \"Page table locks\"",
			Notes:   "returns nil, holding nothing, when there is no PTE table; pmdval= maps the table of a PMD value read before (pte_offset_map_lock(mm, &_pmd, ...)), linked or detached",
			NullResult: "holding nothing when there is no PTE table at the address (the PMD is none or a huge leaf, or the table was freed or replaced before its lock was taken): " +
				"the caller retries or takes the range as empty (mm/pgtable-generic.c: __pte_offset_map_lock(): \"if (unlikely(!pte)) return pte;\")",
			Rules: []*Rule{ruleTraverseLock, ruleRecursive, ruleCircular}}),
		Fn: func(c *Call) Result {
			m, addr := c.mm(0), c.addr(1)
			c.requireStable(m, addr, ruleTraverseLock)
			w := m.Core.Walk(addr)
			t := w.PTETable()
			if pmd := c.Args[2].Int; pmd >= 0 {
				// pte_offset_map_lock(mm, &_pmd, ...) on a copy of the
				// PMD (collapse_huge_page after pmdp_collapse_flush)
				t = c.K.tableOf(pmd)
			}
			if t == nil {
				return done(Nil)
			}
			c.T.rcuLock()
			l := ptl(m, t)
			p := &PTE{MM: m, Addr: addr &^ (mmcore.PageSize - 1), Table: t, PTL: l, rcuSection: c.T.rcuSection}
			return c.lock(l, Write, func() Result { return done(Obj(TPTE, p)) })
		}})
	defOp(&Op{Name: "pte_unmap_unlock", Params: []Param{{Name: "pte", Type: TPTE}},
		API: unlockAPI("pte_unmap_unlock", "the PTE lock from pte_offset_map_lock", "include/linux/mm.h: pte_unmap_unlock()"),
		Fn: func(c *Call) Result {
			p := c.Args[0].Obj.(*PTE)
			if p.Table.Freed() {
				c.checkFreedNow(p) // the lock lives in the freed table page
			}
			c.release(p.PTL, Write)
			c.T.rcuUnlock()
			return ok
		}})
}

// requireStable reports when nothing keeps the VMA at addr stable for the
// task: no mmap lock, no read or write lock on that VMA, no rmap lock.
func (c *Call) requireStable(m *MM, addr mmcore.Addr, r *Rule) {
	if m.MmapLock.heldBy(c.T) != 0 || c.tearsDownUnlocked(m) {
		return
	}
	v := m.Core.VMALookup(addr)
	if v != nil && c.vmaStable(v) {
		return
	}
	if v == nil && c.rmapReachedAt(m, addr) != nil {
		return // an rmap walker's VMA, unmapped but not unlinked yet
	}
	c.K.violate(c.T, r, fmt.Sprintf("%s at %#x: no lock keeps the VMA stable (hold %s, the VMA's read lock, or an rmap lock)",
		c.Op.Name, uint64(addr), m.MmapLock.Name))
}

// rmapReached reports whether t holds an rmap lock through which v is
// still reachable: its file's i_mmap_rwsem with v in the i_mmap tree, or
// its anon_vma's lock with v still linked to it. Such a VMA, detached
// from its mm's tree by munmap, is not freed yet: free_pgtables() unlinks
// it under that lock for write, which waits for t, and remove_vma()
// frees it after (mm/memory.c: free_pgtables(): "Hide vma from rmap and
// truncate_pagecache before freeing pgtables"; mm/vma.c:
// vms_complete_munmap_vmas()). The check reads the rmap trees.
func (k *Kernel) rmapReached(t *Task, v *mmcore.VMA) bool {
	k.fp.Add(AFile, AllObjects, false)
	if f := v.File(); f != nil {
		if l := iMmapLock(f.Mapping()); l != nil && l.heldBy(t) != 0 && f.Mapping().Linked(v) {
			return true
		}
	}
	if av := v.AnonVMA(); av != nil {
		if l, ok := av.Lock.(*Lock); ok && l.heldBy(t) != 0 {
			return true
		}
	}
	return false
}

// rmapReachedAt returns a VMA of m covering addr that the task reaches
// through a file's i_mmap tree whose i_mmap_rwsem it holds (an rmap
// walker's VMA, which munmap may have detached from m's tree already:
// rmapReached), or nil.
func (c *Call) rmapReachedAt(m *MM, addr mmcore.Addr) *mmcore.VMA {
	c.K.fp.Add(AFile, AllObjects, false)
	for _, f := range c.K.files {
		as := f.Core.Mapping()
		if l := iMmapLock(as); l == nil || l.heldBy(c.T) == 0 {
			continue
		}
		for v := range as.IMmap(0, ^uint64(0)) {
			if v.MM() == m.Core && v.Start() <= addr && addr < v.End() {
				return v
			}
		}
	}
	return nil
}

// vmaStable reports whether the task holds a lock that keeps v stable.
func (c *Call) vmaStable(v *mmcore.VMA) bool {
	m := mmOf(v.MM())
	if m.MmapLock.heldBy(c.T) != 0 || c.K.vmaState(v).Lock.heldBy(c.T) != 0 {
		return true
	}
	return c.rmapHeld(v)
}

// rmapHeld reports whether the task holds v's file i_mmap_rwsem or its
// anon_vma lock.
func (c *Call) rmapHeld(v *mmcore.VMA) bool {
	if f := v.File(); f != nil {
		if l := iMmapLock(f.Mapping()); l != nil && l.heldBy(c.T) != 0 {
			return true
		}
	}
	if av := v.AnonVMA(); av != nil {
		if l, ok := av.Lock.(*Lock); ok && l.heldBy(c.T) != 0 {
			return true
		}
	}
	return false
}

// installLockHeld reports whether the task may install entries in v: the
// mmap lock or v's VMA lock (read or write).
func (c *Call) installLockHeld(v *mmcore.VMA) bool {
	m := mmOf(v.MM())
	return m.MmapLock.heldBy(c.T) != 0 || c.K.vmaState(v).Lock.heldBy(c.T) != 0
}

var rulePTEChangeLock = &Rule{"pgtable/change-needs-ptl",
	"changing a page-table entry needs that table's lock held (pte_offset_map_lock until pte_unmap_unlock)",
	"process_addrs.rst \"Page table locks\"", Unchecked}

func init() {
	defOp(&Op{Name: "ptep_get_and_clear", Params: []Param{{Name: "pte", Type: TPTE}}, Result: TPage,
		API: register(&API{Name: "ptep_get_and_clear", Section: "6.4",
			Hold:    "the PTE lock of the table (from pte_offset_map_lock)",
			Takes:   "nothing",
			Sleeps:  "no",
			Asserts: "none",
			Source:  "include/linux/pgtable.h: ptep_get_and_clear(); mm/memory.c: zap_pte_range()",
			Notes: "clears the entry and returns the page it mapped (nil for none, the zero page or a PFN " +
				"mapping), with the mapping's reference handed to the caller: put_page it only after " +
				"flush_tlb_range, as zap_pte_range frees pages only after the mmu_gather flush. A present entry (a PROT_NONE one only while a " +
				"CPU still caches the address, as x86's pte_accessible() answers with mm_tlb_flush_pending(); 20841405940e) leaves a TLB " +
				"obligation: flush_tlb_range before the PTE lock drops (ptep_clear_flush), or, with mm->tlb_flush_pending raised by this " +
				"thread before the clear (inc_tlb_flush_pending), before the count drops (dec_tlb_flush_pending). Inside a started " +
				"mmu_notifier range, the entry must lie in it",
			Rules: []*Rule{rulePTEChangeLock, ruleStaleTLB, rulePMDNotRevalidated, ruleTLBFlushBeforePTLDrop, ruleNotifierRangeMisses}}),
		Fn: func(c *Call) Result {
			p := c.Args[0].Obj.(*PTE)
			if !c.checkTable(p) { // freed through RCU under this pointer (rcu.go)
				return done(Nil)
			}
			if p.PTL.heldBy(c.T) == 0 {
				c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("ptep_get_and_clear at %#x without %s held", uint64(p.Addr), p.PTL.Name))
			}
			c.checkWriteDetached(p)
			e := p.Table.Entry(p.Table.Index(p.Addr))
			if !e.Present() {
				return done(Nil)
			}
			var page *mmcore.Page
			if !e.Special() {
				if pg := c.K.Mem.Page(e.PFN()); pg != nil && !pg.Zero() && !pg.Freed() {
					page = pg
					_ = page.Get() // the mapping's reference becomes the caller's
					countRef(&c.T.gotRefs, page.Folio(), 1)
				}
			}
			p.MM.Core.ClearTableEntry(p.Table, p.Addr)
			// Outside an mmu_gather nothing tells a later zap of this range
			// that a flush is still owed (no tlb_flush_pending): once the
			// PTL drops, MADV_DONTNEED finds the entry none and returns
			// while another CPU still writes through its stale translation
			// (60bae7370896, migrate_vma_collect_pmd).
			// With mm->tlb_flush_pending raised by this task first, the
			// flush may wait past the PTL (include/linux/mm_inline.h:
			// inc_tlb_flush_pending()'s ordering).
			if !tlbMayHold(p.MM.Core, e, p.Addr) {
				c.checkNotifierCovers(p.MM, p.Addr)
				return done(Obj(TPage, page))
			}
			if w := c.T.tlbMoved(p.MM, []mmcore.Addr{p.Addr}, p.PTL); w != nil {
				w.deferred = c.T.raisedFlush(p.MM)
			}
			c.checkNotifierCovers(p.MM, p.Addr)
			return done(Obj(TPage, page))
		}})
	// The kernel's third argument is the end, not a length:
	// flush_tlb_range(vma, start, end). A positional third argument is
	// end, so that a call copied from the kernel flushes what it names;
	// size= and pages= stay for the scripts written for them.
	defOp(&Op{Name: "flush_tlb_range", Params: append([]Param{{Name: "vma", Type: TVMA}, {Name: "start", Type: TInt},
		{Name: "end", Type: TInt, Optional: true, Default: Int(0)}}, sizeParams...),
		API: register(&API{Name: "flush_tlb_range", Section: "2.40",
			Hold:    "the VMA stable; may be called under the PTE lock",
			Takes:   "arch IPIs",
			Sleeps:  "no (needs interrupts enabled on x86)",
			Asserts: "x86: lockdep_assert_irqs_enabled() in flush_tlb_mm_range() (local flush) or smp_call_function_many_cond() (IPIs)",
			Source:  "include/asm-generic/tlbflush.h: flush_tlb_range(); arch/x86/mm/tlb.c: flush_tlb_mm_range(); Documentation/core-api/cachetlb.rst",
			Rules:   []*Rule{ruleVMANotStable, ruleFlushRangeIRQsOff},
			Cites:   append(citeTable["flush_tlb_range"], flushIRQCites("flush_tlb_range(vma, start, end) is flush_tlb_mm_range((vma)->vm_mm, start, end, ...)")...)}),
		Fn: func(c *Call) Result {
			v, start := c.vma(0), c.addr(1)
			size, err := c.endOrLength(1, 2, 3)
			if err != nil {
				return Result{Status: Failed, Err: err}
			}
			if !c.vmaStable(v) {
				c.K.violate(c.T, ruleVMANotStable, fmt.Sprintf("flush_tlb_range on %s with no lock keeping it stable", VMAName(v)))
			}
			flushNeedsIRQs(c, ruleFlushRangeIRQsOff)
			v.MM().TLB.FlushRange(start, start+mmcore.Addr(size))
			c.T.tlbFlushed(mmOf(v.MM()), start, start+mmcore.Addr(size))
			return ok
		}})
}

// tlbMayHold reports whether a CPU may still translate addr through entry
// e, which the caller is clearing: what x86's pte_accessible() answers
// (arch/x86/include/asm/pgtable.h). An entry with _PAGE_PRESENT may be in
// any CPU's TLB. A PROT_NONE entry (pte_present() but not _PAGE_PRESENT)
// is never loaded into a TLB; a CPU still holds a translation of addr only
// while the flush of the change that made it PROT_NONE is pending
// (change_protection() flushes from its mmu_gather after the PTLs drop):
// the kernel asks mm_tlb_flush_pending(), mmscript asks the CPUs' TLBs.
// Clearing it then owes the flush as a present entry does (20841405940e
// "mm: fix TLB flush race between migration, and change_protection_range").
func tlbMayHold(m *mmcore.MM, e mmcore.PTE, addr mmcore.Addr) bool {
	if e.Accessible() {
		return true
	}
	for _, cpu := range m.TLB.CPUs() {
		if m.TLB.Cached(cpu, addr) {
			return true
		}
	}
	return false
}
