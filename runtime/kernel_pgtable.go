package runtime

import (
	"fmt"
	"strings"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
)

// Page-table rules (issue 7 family 3b) and the atomic steps of the kernel
// paths that change non-terminal entries (khugepaged's collapse and
// retraction, kernel/khugepaged.mms) or walk without locks (GUP-fast,
// kernel/gup_fast.mms).
//
// Jann Horn's commit 8d3c106e19e8 ("mm/khugepaged: take the right locks
// for page table retraction", 2022) states the rule: a page walk may start
// under the mmap lock, the VMA lock (since 6.4), or an rmap lock (the
// anon_vma's, the file's i_mmap_rwsem), any one of them, for read; a
// walker may READ_ONCE a non-terminal entry and then assume it stays. So
// changing one (pmdp_collapse_flush) needs every one of those locks for
// write, and what is left are the lockless walkers (GUP-fast with IRQs
// off, the hardware), which tlb_remove_table_sync_one() or an RCU-deferred
// free waits for. Hugh Dickins's 2023 series made the other way legal:
// retract_page_tables() clears the PMD under the PMD lock and the PTE lock
// only, because every walker since maps the table under RCU and, after
// taking the PTE lock, re-checks that the PMD still points to it
// (__pte_offset_map_lock's pmd_same; callers of pte_offset_map_rw_nolock
// do it themselves), and the table is freed with pte_free_defer().
//
// A PMD value in scripts is an int: 0 for none, a table's number for a
// PMD that points to a PTE table (numbered in the order the run first
// sees them), the huge entry with bit 62 set for a PMD-mapped THP. Two
// reads are pmd_same when the ints are equal.

// readKhugepaged: mm/khugepaged.c as read for this file.
const readKhugepaged = "torvalds/linux@00f58104202c, read"

const pmdHugeBit = int64(1) << 62

// pgtableState is what the kernel remembers about PTE tables that were
// detached or freed, for the rules below.
type pgtableState struct {
	ids  map[*mmcore.PageTable]int64
	byID []*mmcore.PageTable
	// exclusive: the table was detached with every lock that starts a
	// walk held for write (8d3c106e19e8), so only lockless walkers may
	// still be in it.
	exclusive map[*mmcore.PageTable]bool
	// freedNow: freed at once (pte_free), not after a grace period: where.
	freedNow map[*mmcore.PageTable]lang.Pos
	// collapsing: the pages __collapse_huge_page_isolate() checked for
	// extra references (is_refcount_suitable) and isolated, until
	// __collapse_huge_page_copy() copies them into the THP: where.
	collapsing map[*mmcore.Page]lang.Pos
}

// tableID numbers t for PMD values.
func (k *Kernel) tableID(t *mmcore.PageTable) int64 {
	s := &k.pt
	if s.ids == nil {
		s.ids = map[*mmcore.PageTable]int64{}
	}
	if id, ok := s.ids[t]; ok {
		return id
	}
	s.byID = append(s.byID, t)
	id := int64(len(s.byID))
	s.ids[t] = id
	return id
}

// tableOf returns the PTE table a PMD value points to (nil for none, a
// huge entry or a number never handed out).
func (k *Kernel) tableOf(pmd int64) *mmcore.PageTable {
	if pmd <= 0 || pmd&pmdHugeBit != 0 || pmd > int64(len(k.pt.byID)) {
		return nil
	}
	return k.pt.byID[pmd-1]
}

// pmdpGetTouches: pmdp_get and pmdp_get_lockless read addr's PMD entry
// (and the entries above it), and number its PTE table if nothing read
// it before (pmdVal).
func pmdpGetTouches(c *Call, f *Footprint) {
	m := mmArg(c, 0)
	if m == nil {
		return
	}
	f.PMDAt(m, c.addr(1), false)
	c.K.fpTableNumber(m.Walk(c.addr(1)).PTETable())
}

// pmdVal reads addr's PMD entry (pmdp_get_lockless).
func (k *Kernel) pmdVal(m *MM, addr mmcore.Addr) int64 {
	w := m.Core.Walk(addr)
	if w.Huge() {
		return int64(w.Entry) | pmdHugeBit
	}
	if t := w.PTETable(); t != nil {
		return k.tableID(t)
	}
	return 0
}

var ruleNonTerminalChange = &Rule{"pgtable/non-terminal-change",
	"a PMD entry that points to a PTE table is cleared only when no walker can go on using the table unnoticed: with every lock a walk " +
		"may start under held for write (the mmap lock, the VMA lock, the anon_vma lock and the file's i_mmap_rwsem: collapse_huge_page), " +
		"or with the PMD lock and the table's PTE lock held, walkers re-checking pmd_same under the PTE lock and the table freed through RCU " +
		"(retract_page_tables)",
	"commit 8d3c106e19e8 (mm/khugepaged: take the right locks for page table retraction, 2022); mm/khugepaged.c: collapse_huge_page(), " +
		"retract_page_tables(), collapse_pte_mapped_thp(); mm/mremap.c: should_take_rmap_locks() (a NORMAL_PMD move takes both rmap locks for write, " +
		"commit 97113eb39fa7); process_addrs.rst \"Page table freeing\"", Unchecked}

var ruleFreeReachable = &Rule{"pgtable/free-reachable",
	"a PTE table is freed at once (pte_free) only if it was detached with every walk-starting lock held for write; a table detached " +
		"under the PMD and PTE locks alone can still be read by RCU walkers (pte_offset_map) and goes to pte_free_defer()",
	"commit 8d3c106e19e8; mm/khugepaged.c: retract_page_tables() (pte_free_defer), commit 1d65b771bc08 (mm/khugepaged: retract_page_tables() without mmap or vma lock)", Unchecked}

var rulePMDNotRevalidated = &Rule{"pgtable/pmd-not-revalidated",
	"a walker that mapped a PTE table without its lock (pte_offset_map, pte_offset_map_rw_nolock, GUP-fast) re-checks that the PMD still " +
		"points to the table (pmd_same) after taking the PTE lock, before it changes an entry: retract_page_tables() may have detached it, " +
		"and a change made there is lost with the table; GUP-fast re-checks it after taking a folio reference and drops the reference when " +
		"it changed, since collapse_huge_page() may have detached the table and isolated the page meanwhile",
	"mm/pgtable-generic.c: __pte_offset_map_lock() (the pmd_same recheck), pte_offset_map_rw_nolock() kernel-doc; mm/khugepaged.c: retract_page_tables(); " +
		"mm/gup.c: gup_fast_pte_range() (commit 70cbc3cc78a9 \"mm: gup: fix the fast GUP race against THP collapse\"), mm/khugepaged.c: collapse_huge_page() " +
		"tlb_remove_table_sync_one() before __collapse_huge_page_isolate() (commit 2ba99c5e0881)", Unchecked}

// walkLocksExclusive reports whether the task holds, for write, every
// lock under which a walk of v's page tables may start (8d3c106e19e8 plus
// the VMA lock of 6.4), and names each it lacks: a pre-fix path usually
// lacks more than one (khugepaged before 8d3c106e19e8 held the mmap lock
// only), and the report should say which.
func (c *Call) walkLocksExclusive(v *mmcore.VMA) (bool, string) {
	m := mmOf(v.MM())
	var lacks []string
	if m.MmapLock.heldBy(c.T) != Write {
		lacks = append(lacks, m.MmapLock.Name+" for write")
	}
	if c.K.vmaState(v).Lock.heldBy(c.T) != Write {
		lacks = append(lacks, "the VMA write lock (vma_start_write: faults under the per-VMA lock walk the tables too)")
	}
	if f := v.File(); f != nil {
		if l := iMmapLock(f.Mapping()); l != nil && l.heldBy(c.T) != Write {
			lacks = append(lacks, l.Name+" for write (i_mmap_lock_write: file rmap walkers)")
		}
	}
	if av := v.AnonVMA(); av != nil {
		if l, err := c.K.anonVMALock(v); err == nil && l.heldBy(c.T) != Write {
			lacks = append(lacks, l.Name+" for write (anon_vma_lock_write: anon rmap walkers)")
		}
	}
	return len(lacks) == 0, strings.Join(lacks, ", ")
}

// checkNonTerminalChange is family 3b's check at pmdp_collapse_flush: it
// runs before the table t is detached and records how it was.
func (c *Call) checkNonTerminalChange(v *mmcore.VMA, m *MM, addr mmcore.Addr, pmdTable, t *mmcore.PageTable) {
	excl, lacks := c.walkLocksExclusive(v)
	if excl {
		if c.K.pt.exclusive == nil {
			c.K.pt.exclusive = map[*mmcore.PageTable]bool{}
		}
		c.K.pt.exclusive[t] = true
		return
	}
	if ptl(m, pmdTable).heldBy(c.T) != 0 && ptl(m, t).heldBy(c.T) != 0 {
		return // retract_page_tables(): walkers re-check pmd_same under the PTE lock
	}
	c.K.violate(c.T, ruleNonTerminalChange, fmt.Sprintf("pmdp_collapse_flush at %#x: the PMD points to a PTE table that walkers "+
		"under the locks not held here may still use (lacks %s; or hold the PMD lock and %s, and free the table with pte_free_defer)",
		uint64(addr), lacks, ptl(m, t).Name))
}

// checkFreedNow reports a use of a table freed at once through p.
func (c *Call) checkFreedNow(p *PTE) bool {
	pos, now := c.K.pt.freedNow[p.Table]
	if !now {
		return true
	}
	c.K.violate(c.T, ruleRCUUseAfterFree, fmt.Sprintf("%s: the PTE table of %#x was freed at once (pte_free) while this walker could still reach it",
		c.Op.Name, uint64(p.Addr)), Related{pos, "the PTE table was freed here, without waiting for lockless walkers"})
	return false
}

// checkWriteDetached reports a change through a pointer to a table that
// is no longer linked in its PMD.
func (c *Call) checkWriteDetached(p *PTE) {
	if p.Table.Detached() && !p.Table.Freed() {
		c.K.violate(c.T, rulePMDNotRevalidated, fmt.Sprintf("%s at %#x: the PTE table was detached from its PMD (retract_page_tables) after "+
			"this walker read the PMD; re-check pmd_same(pmdval, pmdp_get_lockless(pmd)) under the PTE lock", c.Op.Name, uint64(p.Addr)))
	}
}

func init() {
	ptParams := []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}}
	pure := func(*Call, *Footprint) {}
	defOp(&Op{Name: "pmdp_get_lockless", Params: ptParams, Result: TInt,
		API: register(&API{Name: "pmdp_get_lockless", Section: "6.4",
			Hold:    "nothing (a lockless read); what the value points to is kept only by the caller's own protection (IRQs off, RCU, the PMD lock)",
			Takes:   "nothing (READ_ONCE of the PMD entry, both halves consistent on 32-bit)",
			Sleeps:  "no",
			Asserts: "none",
			Source:  "include/linux/pgtable.h: pmdp_get_lockless(); mm/gup.c: gup_fast_pmd_range(), gup_fast_pte_range()",
			Notes: "mmscript's PMD value is an int: 0 none, a PTE table's number, or a huge entry (pmd_leaf); compare two with pmd_same. " +
				"GUP-fast and pte_offset_map_rw_nolock users re-read it after taking what pins the table, and back off when it changed",
			Rules: []*Rule{rulePMDNotRevalidated},
			Cites: []Cite{cite("mm/gup.c", "gup_fast_pmd_range(), gup_fast_pte_range()", "none: pmd_t pmd = pmdp_get_lockless(pmdp); ... "+
				"if (unlikely(pmd_val(pmd) != pmd_val(*pmdp)) || unlikely(pte_val(pte) != pte_val(ptep_get(ptep)))) { gup_put_folio(folio, 1, flags); goto pte_unmap; }", readGUP)},
			Sequence: "pmd = pmdp_get_lockless(pmdp);\n/* ... map the table, take its lock or a folio reference ... */\n" +
				"if (!pmd_same(pmd, pmdp_get_lockless(pmdp)))\n\tgoto again;    /* retracted meanwhile */"}),
		Touches: pmdpGetTouches,
		Fn:      pmdpGet})
	defOp(&Op{Name: "pmdp_get", Params: ptParams, Result: TInt,
		API: register(&API{Name: "pmdp_get", Section: "6.4",
			Hold:    "the PMD lock (pmd_lock) for a value that decides anything; the page tables kept (mmap, VMA or rmap lock)",
			Takes:   "nothing (READ_ONCE of the PMD entry)",
			Sleeps:  "no",
			Asserts: "none",
			Source:  "include/linux/pgtable.h: pmdp_get()",
			Notes: "the PMD value as pmdp_get_lockless gives it; read under the PMD lock it is good under that hold of the lock: after the lock was " +
				"dropped and retaken, re-check it with pmd_same before using it (pgtable/stale-value)",
			Rules:    []*Rule{ruleStaleEntry},
			Cites:    []Cite{cite("include/linux/pgtable.h", "pmdp_get()", "none: return READ_ONCE(*pmdp);", readPgtableH)},
			Sequence: "ptl = pmd_lock(mm, pmdp);\npmd = pmdp_get(pmdp);\n/* ... decide on pmd ... */\nspin_unlock(ptl);"}),
		Touches: pmdpGetTouches,
		Fn:      pmdpGet})
	pmdParam := []Param{{Name: "pmdval", Type: TInt}}
	for _, x := range []struct {
		name, what string
		cite       Cite
	}{
		{"pmd_none", "the entry is none", cite("arch/x86/include/asm/pgtable.h", "pmd_none()",
			"none (a test of the value): val = native_pmd_val(pmd); return (val & ~_PAGE_KNL_ERRATUM_MASK) == 0;", readX86PgtableOld)},
		{"pmd_leaf", "the entry maps a huge page (no PTE table under it)", cite("arch/x86/include/asm/pgtable.h", "pmd_leaf()", "none (a test of the value): return pmd_flags(pte) & _PAGE_PSE;", readX86Pgtable2026)},
	} {
		defOp(&Op{Name: x.name, Params: pmdParam, Result: TBool,
			API: register(&API{Name: x.name, Section: "6.4", Hold: "nothing (tests a PMD value already read)", Sleeps: "no",
				Source: "include/linux/pgtable.h: " + x.name + "()", Notes: "true when " + x.what,
				Cites: []Cite{x.cite}, Sequence: "pmd = pmdp_get_lockless(pmdp);\nif (" + x.name + "(pmd))\n\treturn 0;"}),
			Touches: pure,
			Fn: func(c *Call) Result {
				c.checkEntryUse(0)
				v := c.Args[0].Int
				if x.name == "pmd_none" {
					return done(Bool(v == 0))
				}
				return done(Bool(v&pmdHugeBit != 0))
			}})
	}
	defOp(&Op{Name: "pmd_same", Params: []Param{{Name: "a", Type: TInt}, {Name: "b", Type: TInt}}, Result: TBool,
		API: register(&API{Name: "pmd_same", Section: "6.4", Hold: "nothing (compares two PMD values)", Sleeps: "no",
			Source: "include/linux/pgtable.h: pmd_same()", Notes: "the re-check of a lockless walker after it took the PTE lock (rule pgtable/pmd-not-revalidated)",
			Rules:    []*Rule{rulePMDNotRevalidated},
			Cites:    []Cite{cite("mm/pgtable-generic.c", "pte_offset_map_lock() (__pte_offset_map_lock() in 6.18)", "none: spin_lock(ptl); if (likely(pmd_same(pmdval, pmdp_get_lockless(pmd)))) { *ptlp = ptl; return pte; } pte_unmap_unlock(pte, ptl); goto again;", readPgtableGeneric)},
			Sequence: "spin_lock(ptl);\nif (!pmd_same(pmdval, pmdp_get_lockless(pmd))) {\n\tpte_unmap_unlock(pte, ptl);\n\tgoto again;\n}"}),
		Touches: pure,
		Fn: func(c *Call) Result {
			c.recheckEntries()
			return done(Bool(c.Args[0].Int == c.Args[1].Int))
		}})
	defOp(&Op{Name: "pte_same", Params: []Param{{Name: "a", Type: TInt}, {Name: "b", Type: TInt}}, Result: TBool,
		API: register(&API{Name: "pte_same", Section: "6.4", Hold: "nothing (compares two PTE values)", Sleeps: "no",
			Source: "include/linux/pgtable.h: pte_same()",
			Notes:  "the re-check of a PTE value read under an earlier hold of the PTE lock (rule pgtable/stale-value): equal to the entry read again under this hold, the old value is current again",
			Rules:  []*Rule{ruleStaleEntry},
			Cites: []Cite{cite("mm/memory.c", "wp_page_copy()", "none: /* Re-check the pte - we dropped the lock */ vmf->pte = pte_offset_map_lock(mm, vmf->pmd, vmf->address, &vmf->ptl); "+
				"if (likely(vmf->pte && pte_same(ptep_get(vmf->pte), vmf->orig_pte))) {", readMemory2026)},
			Sequence: "pte = pte_offset_map_lock(mm, pmd, addr, &ptl);\nif (!pte_same(ptep_get(pte), orig_pte)) {\n\tpte_unmap_unlock(pte, ptl);\n\treturn 0;\n}"}),
		Touches: pure,
		Fn: func(c *Call) Result {
			c.recheckEntries()
			return done(Bool(c.Args[0].Int == c.Args[1].Int))
		}})

	for _, name := range []string{"pte_offset_map_rw_nolock", "pte_offset_map_nolock"} {
		notes := "maps the PTE table under rcu_read_lock() without its lock; the PTE lock is pte.ptl and the PMD value read pte.pmdval: " +
			"after spin_lock(pte.ptl) the caller re-checks pmd_same(pte.pmdval, pmdp_get_lockless(mm, addr)) before changing an entry " +
			"(pgtable/pmd-not-revalidated); pte_unmap() ends it; nil when there is no PTE table"
		if name == "pte_offset_map_nolock" {
			notes = "the name before v6.12 split it into pte_offset_map_ro_nolock and pte_offset_map_rw_nolock; " + notes
		}
		defOp(&Op{Name: name, Params: ptParams, Result: TPTE,
			API: register(&API{Name: name, Section: "6.4",
				Hold:    "the VMA stable (mmap, VMA or rmap lock)",
				Takes:   "rcu_read_lock() until pte_unmap(); not the PTE lock",
				Sleeps:  "no; nothing may sleep until pte_unmap",
				Asserts: "none",
				Source:  "mm/pgtable-generic.c: pte_offset_map_rw_nolock(), __pte_offset_map()",
				Notes:   notes,
				NullResult: "when there is no PTE table at the address (the PMD is none or a huge leaf): the caller retries or takes the range as empty " +
					"(mm/pgtable-generic.c: __pte_offset_map() returns NULL)",
				Rules: []*Rule{ruleTraverseLock, rulePMDNotRevalidated},
				Cites: []Cite{cite("mm/pgtable-generic.c", "pte_offset_map_rw_nolock() kernel-doc",
					"VM_WARN_ON_ONCE(!pmdvalp); kernel-doc: \"the users should make sure the page table is stable like checking pte_same() or checking pmd_same() by using the output pmdval before performing the write operations\"", readPgtableGeneric)},
				Sequence: "pte = pte_offset_map_rw_nolock(mm, pmd, addr, &pmdval, &ptl);\nspin_lock(ptl);\n" +
					"if (!pmd_same(pmdval, pmdp_get_lockless(pmd))) { pte_unmap_unlock(pte, ptl); goto again; }\n/* change entries */\npte_unmap_unlock(pte, ptl);"}),
			Touches: ptePath,
			Fn: func(c *Call) Result {
				m, addr := c.mm(0), c.addr(1)
				c.requireStable(m, addr, ruleTraverseLock)
				t := m.Core.Walk(addr).PTETable()
				if t == nil {
					return done(Nil)
				}
				c.T.rcuLock()
				return done(Obj(TPTE, &PTE{MM: m, Addr: addr &^ (mmcore.PageSize - 1), Table: t, PTL: ptl(m, t), rcuSection: c.T.rcuSection}))
			}})
	}

	defOp(&Op{Name: "pte_free", Params: []Param{{Name: "mm", Type: TMM}, {Name: "table", Type: TPTE}},
		API: register(&API{Name: "pte_free", Section: "2.39",
			Hold:    "the table detached (pmdp_collapse_flush) with every walk-starting lock held for write, and lockless walkers gone (tlb_remove_table_sync_one)",
			Takes:   "nothing; frees the table page at once",
			Sleeps:  "no",
			Asserts: "none",
			Source:  "include/asm-generic/pgalloc.h: pte_free(); mm/khugepaged.c: collapse_and_free_pmd() (2022)",
			Notes: "what khugepaged used before pte_free_defer (2023): a walker still in the table reads freed memory; GUP-fast (IRQs off) " +
				"is held off only by tlb_remove_table_sync_one() between the detach and the free (commit 2ba99c5e0881)",
			Rules: []*Rule{ruleFreeReachable, ruleRCUUseAfterFree},
			Cites: []Cite{cite("mm/khugepaged.c", "collapse_and_free_pmd() (v6.1, after 8d3c106e19e8 and 2ba99c5e0881)",
				"mmap_assert_write_locked(mm); lockdep_assert_held_write(&vma->vm_file->f_mapping->i_mmap_rwsem); lockdep_assert_held_write(&vma->anon_vma->root->rwsem); "+
					"pmd = pmdp_collapse_flush(vma, addr, pmdp); tlb_remove_table_sync_one(); pte_free(mm, pmd_pgtable(pmd))", "stable backport of 8d3c106e19e8 and 2ba99c5e0881, read")},
			Sequence: "/* mmap, VMA, i_mmap and anon_vma locks held for write */\n_pmd = pmdp_collapse_flush(vma, addr, pmdp);\n" +
				"tlb_remove_table_sync_one();    /* no GUP-fast walker is left in it */\npte_free(mm, pmd_pgtable(_pmd));"}),
		Touches: func(c *Call, f *Footprint) { f.PTEs(mmArg(c, 0), true); f.Alloc() },
		Fn: func(c *Call) Result {
			m, p := c.mm(0), c.Args[1].Obj.(*PTE)
			if !c.checkTable(p) {
				return ok
			}
			if !p.Table.Detached() {
				return fail("pte_free: the PTE table of %#x is still linked in its PMD: clear the PMD first (pmdp_collapse_flush)", uint64(p.Addr))
			}
			if !c.K.pt.exclusive[p.Table] {
				c.K.violate(c.T, ruleFreeReachable, fmt.Sprintf("pte_free of the PTE table of %#x: it was detached without every walk-starting lock held for write, "+
					"so walkers under RCU may still read it; free it with pte_free_defer", uint64(p.Addr)))
			}
			if c.K.pt.freedNow == nil {
				c.K.pt.freedNow = map[*mmcore.PageTable]lang.Pos{}
			}
			c.K.pt.freedNow[p.Table] = c.T.Pos
			m.Core.FreeDetachedTable(p.Table)
			return ok
		}})
}

// pmdpGet is pmdp_get / pmdp_get_lockless: addr's PMD value, with the
// epoch of the PMD lock when the task holds it (stale_entry.go).
func pmdpGet(c *Call) Result {
	m, addr := c.mm(0), c.addr(1)
	val := c.K.pmdVal(m, addr)
	if l := pmdLockOf(m, addr); l != nil {
		return done(c.entryValue(val, l))
	}
	return done(Int(val))
}
