package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// Reclaim's batched TLB flush as steps of the kernel library
// (kernel/rmap.mms try_to_unmap_one() with TTU_BATCH_FLUSH, kernel/mprotect.mms
// change_pte_range(), kernel/mremap.mms move_ptes()): the task's struct
// tlbflush_unmap_batch (Task.tlbUBC) and mm->tlb_flush_batched are
// mmcore's (mmcore/tlb_batch.go). try_to_unmap_one() clears an entry under
// its PTE lock and leaves the flush to try_to_unmap_flush() at the end of
// the batch, after the lock dropped: its TLB obligation (tlbWindow) is
// the batch's, not the PTL's. Any other path that then changes entries
// under that PTE lock and flushes only what it changed must first flush
// the batched unmaps of the mm (flush_tlb_batched_pending()), or a CPU
// keeps the stale translation after the path returned (commit
// 3ea277194daa, v4.12).

// readTLBBatch: the tree the batched-flush code was read in.
const readTLBBatch = "linux-mm@40eb8059fe39 mm/rmap.c, mm/mprotect.c, mm/mremap.c, mm/memory.c, mm/madvise.c, arch/x86/include/asm/tlbflush.h, read"

// partFlushBatched names an mm's tlb_flush_batched, a part of its TLB as
// tlb_flush_pending is (footprint.go nameMM).
const partFlushBatched = "->tlb_flush_batched"

// tlbFlushBatched records an access to mm->tlb_flush_batched: an object of
// its own, so that flush_tlb_batched_pending() finding nothing to flush
// does not conflict with the TLB fills of user accesses.
func (f *Footprint) tlbFlushBatched(m *mmcore.MM, write bool) {
	if f == nil || m == nil {
		return
	}
	f.Add(ATLB, mmPart(f.mmID(m), partFlushBatched), write)
}

var ruleBatchedFlushPending = &Rule{"tlb/batched-flush-pending",
	"a path that changes page-table entries under their PTE lock and flushes only what it changed (mprotect's change_pte_range(), zap_pte_range(), " +
		"mremap's move_ptes(), madvise's PTE walks) first flushes the mm's batched unmaps, flush_tlb_batched_pending(), after taking the lock: reclaim " +
		"(try_to_unmap_one() with TTU_BATCH_FLUSH) clears entries under the same lock and defers their flush to the end of its batch, so the path finds " +
		"such an entry none, changes and flushes nothing for it, and returns while another CPU still reads or writes the page through its old " +
		"translation (a write after mprotect(PROT_READ) returned; an access after munmap() returned)",
	"mm/rmap.c: flush_tlb_batched_pending() (\"It's possible for a parallel operation such as mprotect or munmap to race between reclaim " +
		"unmapping the page and flushing the page. If this race occurs, it potentially allows access to data via a stale TLB entry\"; " +
		"\"This must be called under the PTL\"); callers mm/mprotect.c change_pte_range(), mm/memory.c zap_pte_range(), mm/mremap.c move_ptes(), " +
		"mm/madvise.c madvise_free_pte_range(), madvise_cold_or_pageout_pte_range(); commit 3ea277194daa (\"mm, mprotect: flush TLB if potentially " +
		"racing with a parallel reclaim leaving stale TLB entries\", v4.12); commit 383c4613c67c (\"mm: close theoretical race where stale TLB " +
		"entries could linger\", v6.16: again after the madvise walks retake the lock) (no check)", Unchecked}

var ruleBatchedNeedsPTL = &Rule{"flush_tlb_batched_pending/needs-ptl",
	"flush_tlb_batched_pending() is called with a PTE lock of the mm held: only that lock orders its read of mm->tlb_flush_batched after the " +
		"release that published a batched unmap's cleared entry together with the raised count; read without it, it can miss the batch of an " +
		"entry the caller then finds none",
	"mm/rmap.c: flush_tlb_batched_pending() comment \"This must be called under the PTL so that an access to tlb_flush_batched that is " +
		"potentially a \\\"reclaim vs mprotect/munmap/etc\\\" race will synchronise via the PTL\" (no check)", Unchecked}

var ruleBatchedFreeBeforeFlush = &Rule{"tlb/batched-flush-before-free",
	"a folio unmapped with its TLB flush batched (try_to_unmap() with TTU_BATCH_FLUSH) is freed only after try_to_unmap_flush(): until then " +
		"another CPU may still read or write it through its old translation, and after the free that is whatever the page holds next; " +
		"try_to_unmap_flush_dirty() flushes only when a cleared entry was dirty",
	"mm/rmap.c: try_to_unmap_flush() (\"It is important if a PTE was dirty when it was unmapped that it's flushed before any IO is initiated " +
		"on the page to prevent lost writes. Similarly, it must be flushed before freeing to prevent data leakage.\"); mm/vmscan.c: " +
		"shrink_folio_list() calls try_to_unmap_flush() before free_unref_folios() (no check)", Unchecked}

// checkBatchedFree reports, when p was just freed, a CPU that still
// translates it through an entry a batched unmap cleared.
func (c *Call) checkBatchedFree(p *mmcore.Page) {
	for _, m := range c.K.mms {
		for _, r := range m.Core.TLB.StaleBatchedIn(0, m.Core.TaskSize()) {
			if _, pg, ok := m.Core.TLB.CachedEntry(r.CPU, r.Addr); ok && pg == p {
				c.K.violate(c.T, ruleBatchedFreeBeforeFlush, fmt.Sprintf("%s frees pfn %#x while CPU %d still translates %#x of %s to it through an entry "+
					"a batched unmap cleared (try_to_unmap() with TTU_BATCH_FLUSH): try_to_unmap_flush() first", c.Op.Name, uint64(p.PFN), r.CPU, uint64(r.Addr), m.Name))
				return
			}
		}
	}
}

// putPageTouches: put_page's page, and when the put frees it, the TLBs a
// freed page's stale translation is looked for in (checkBatchedFree).
func putPageTouches(c *Call, f *Footprint) {
	pageOnly(c, f)
	if p, ok := c.Args[0].Obj.(*mmcore.Page); ok && p != nil && !p.Folio().Freed() && p.Refcount() == 1 {
		for _, m := range c.K.mms {
			f.TLB(m.Core, false)
		}
	}
}

// holdsPTLOf reports whether t holds a page-table lock of m.
func (t *Task) holdsPTLOf(m *MM) bool {
	t.fpHolds()
	for i := range t.holds {
		if t.holds[i].Lock.isPTLOf(m) {
			return true
		}
	}
	return false
}

// checkBatchedFlushed reports, for a step that changes the entries of
// [start, end) of m under their PTE lock, a CPU's translation there that a
// batched unmap left stale: the step's path did not flush_tlb_batched_pending()
// under the lock, and the flush it will do covers only what it changes.
func (c *Call) checkBatchedFlushed(m *MM, start, end mmcore.Addr) {
	stale := m.Core.TLB.StaleBatchedIn(start, end)
	if len(stale) == 0 {
		return
	}
	r := stale[0]
	pending, flushed := m.Core.TLBFlushBatched()
	c.K.violate(c.T, ruleBatchedFlushPending, fmt.Sprintf("%s changes the entries of [%#x, %#x) under the PTE lock while CPU %d still translates %#x "+
		"through an entry a batched unmap cleared (try_to_unmap_one() with TTU_BATCH_FLUSH; mm->tlb_flush_batched pending %d, flushed %d): "+
		"this path flushes only what it changes, so the CPU keeps the stale translation after it returns, until reclaim's try_to_unmap_flush(); "+
		"call flush_tlb_batched_pending() after taking the PTE lock",
		c.Op.Name, uint64(start), uint64(end), r.CPU, uint64(r.Addr), pending, flushed))
}

// batchedCheckTouches records what checkBatchedFlushed reads for a step
// of m that does not itself write m's TLB: before any batched unmap of m
// (mm->tlb_flush_batched pending 0) only that count, which the first
// set_tlb_ubc_flush_pending() raises; after one, the TLB, whose stale
// batched translations every flush (try_to_unmap_flush(),
// flush_tlb_batched_pending(), a range flush) ends. A CPU's fill is not a
// write, so the read commutes with the user's accesses.
func batchedCheckTouches(f *Footprint, m *mmcore.MM) {
	if f == nil || m == nil {
		return
	}
	if pending, _ := m.TLBFlushBatched(); pending == 0 {
		f.tlbFlushBatched(m, false)
		return
	}
	f.TLB(m, false)
}

// batchTouches: the task's batch (its own task, written by every step),
// the TLBs of the mms it names (flushed), and their tlb_flush_batched is
// left alone.
func batchTouches(c *Call, f *Footprint) {
	for _, m := range c.T.tlbUBC.MMs() {
		f.TLB(m, true)
	}
}

func init() {
	rmapTLB := func(name, hold, source, notes string, seq string, rules ...*Rule) *API {
		return register(&API{Name: name, Section: "2.34", Hold: hold, Sleeps: "no", Asserts: "none", Source: source, Notes: notes,
			Rules: rules, Sequence: seq,
			Cites: []Cite{cite("mm/rmap.c", "try_to_unmap_one(), set_tlb_ubc_flush_pending(), try_to_unmap_flush(), flush_tlb_batched_pending()",
				"none: CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH (x86)", readTLBBatch)}})
	}
	const ttuSeq = "/* mm/vmscan.c: shrink_folio_list() */\ntry_to_unmap(folio, TTU_BATCH_FLUSH);  /* under the PTL: ptep_get_and_clear(); set_tlb_ubc_flush_pending() */\n" +
		"...\ntry_to_unmap_flush_dirty();  /* before pageout() */\n...\ntry_to_unmap_flush();  /* before the folios are freed */"

	defOp(&Op{Name: "arch_tlbbatch_should_defer", Params: []Param{{Name: "mm", Type: TMM}}, Result: TBool,
		API: rmapTLB("arch_tlbbatch_should_defer", "nothing (called under the PTE lock by try_to_unmap_one())",
			"arch/x86/include/asm/tlbflush.h: arch_tlbbatch_should_defer(); mm/rmap.c: should_defer_flush()",
			"true when a CPU other than the caller's may hold translations of mm (cpumask_any_but(mm_cpumask(mm), get_cpu()) < nr_cpu_ids): "+
				"then the unmap's flush is worth batching; mmscript's mm_cpumask is the CPUs whose TLB holds a translation of the mm", ttuSeq),
		Touches: func(c *Call, f *Footprint) { f.TLB(mmArg(c, 0), false) },
		Fn: func(c *Call) Result {
			return done(Bool(mmcore.ArchTLBBatchShouldDefer(c.mm(0).Core, c.T.CPU)))
		}})

	defOp(&Op{Name: "set_tlb_ubc_flush_pending", Params: []Param{{Name: "mm", Type: TMM}, {Name: "pteval", Type: TInt}, {Name: "uaddr", Type: TInt}},
		API: rmapTLB("set_tlb_ubc_flush_pending", "the PTE lock of the entry just cleared (ptep_get_and_clear())",
			"mm/rmap.c: set_tlb_ubc_flush_pending()",
			"pteval is the entry ptep_get_and_clear() returned (pte.val read before the clear, under the same lock): when pte_accessible(mm, pteval), "+
				"adds mm to the task's batch (current->tlb_ubc: arch_tlbbatch_add_pending, flush_required), raises mm->tlb_flush_batched and, for a dirty "+
				"entry, sets tlb_ubc->writable; the entry's flush then waits for try_to_unmap_flush() and may come after the PTE lock drops", ttuSeq,
			ruleTLBFlushBeforePTLDrop),
		Touches: func(c *Call, f *Footprint) {
			m := mmArg(c, 0)
			if m == nil {
				return
			}
			f.tlbFlushPending(m, false) // pte_accessible() of a PROT_NONE entry
			f.tlbFlushBatched(m, true)
			f.TLB(m, true) // the batch's mark of the stale translations
		},
		Fn: func(c *Call) Result {
			m, uaddr := c.mm(0), c.addr(2)
			pteval := mmcore.PTE(c.int(1))
			// arch/x86/include/asm/pgtable.h: pte_accessible()
			accessible := pteval.Accessible() || pteval.Present() && pteval.ProtNone() && m.tlbFlushPending > 0
			c.T.tlbUBC.SetFlushPending(m.Core, pteval, accessible, uaddr)
			if accessible {
				// The obligation ptep_get_and_clear() left is the
				// batch's now: flushed by try_to_unmap_flush() (or any
				// flush_tlb_batched_pending() of the mm), not before the
				// PTE lock drops.
				for _, w := range c.T.tlbWindows {
					if w.mm == m {
						for _, a := range w.addrs {
							if a == uaddr&^(mmcore.PageSize-1) {
								w.batched = true
							}
						}
					}
				}
			}
			return ok
		}})

	defOp(&Op{Name: "try_to_unmap_flush", Params: []Param{},
		API: rmapTLB("try_to_unmap_flush", "nothing", "mm/rmap.c: try_to_unmap_flush()",
			"flushes what the task's batch owes (x86 arch_tlbbatch_flush(): every CPU of the batch's cpumask; mmscript: every translation of each mm "+
				"the batch names) and resets it (flush_required, writable); mm->tlb_flush_batched stays as it is; comes before the batch's folios are freed", ttuSeq,
			ruleBatchedFreeBeforeFlush),
		Touches: batchTouches,
		Fn: func(c *Call) Result {
			c.tryToUnmapFlush()
			return ok
		}})
	defOp(&Op{Name: "try_to_unmap_flush_dirty", Params: []Param{},
		API: rmapTLB("try_to_unmap_flush_dirty", "nothing", "mm/rmap.c: try_to_unmap_flush_dirty()",
			"try_to_unmap_flush() when the batch cleared a dirty entry (tlb_ubc->writable): \"Flush iff there are potentially writable TLB entries that can race with IO\"; "+
				"not enough before a free: a clean entry's stale translation still reads the folio", ttuSeq, ruleBatchedFreeBeforeFlush),
		Touches: batchTouches,
		Fn: func(c *Call) Result {
			if c.T.tlbUBC.Writable {
				c.tryToUnmapFlush()
			}
			return ok
		}})

	defOp(&Op{Name: "flush_tlb_batched_pending", Params: []Param{{Name: "mm", Type: TMM}},
		API: register(&API{Name: "flush_tlb_batched_pending", Section: "2.40", Hold: "a PTE lock of the mm (the one whose entries the caller changes next)",
			Takes: "arch IPIs (flush_tlb_mm) when it flushes", Sleeps: "no", Asserts: "none",
			Source: "mm/rmap.c: flush_tlb_batched_pending(); arch/x86/include/asm/tlbflush.h: arch_flush_tlb_batched_pending()",
			Notes: "flushes the whole mm when a batched unmap of it (reclaim's try_to_unmap_one() with TTU_BATCH_FLUSH) happened since the last " +
				"such flush (mm->tlb_flush_batched: pending != flushed), then records pending as flushed; change_pte_range(), zap_pte_range(), " +
				"move_ptes() and madvise's PTE walks call it right after taking the PTE lock",
			Rules: []*Rule{ruleBatchedNeedsPTL, ruleBatchedFlushPending},
			Cites: []Cite{cite("mm/rmap.c", "flush_tlb_batched_pending()", "none: \"This must be called under the PTL\"", readTLBBatch),
				cite("mm/mprotect.c", "change_pte_range()", "none: pte = pte_offset_map_lock(...); ... flush_tlb_batched_pending(vma->vm_mm);", readTLBBatch),
				cite("mm/memory.c", "zap_pte_range()", "none: start_pte = pte = pte_offset_map_lock(mm, pmd, addr, &ptl); if (!pte) return addr; flush_tlb_batched_pending(mm);", readTLBBatch),
				cite("mm/mremap.c", "move_ptes()", "none: if (new_ptl != old_ptl) spin_lock_nested(new_ptl, SINGLE_DEPTH_NESTING); flush_tlb_batched_pending(vma->vm_mm);", readTLBBatch),
				cite("mm/madvise.c", "madvise_free_pte_range(), madvise_cold_or_pageout_pte_range()", "none: start_pte = pte = pte_offset_map_lock(mm, pmd, addr, &ptl); if (!start_pte) return 0; flush_tlb_batched_pending(mm);", readTLBBatch)},
			Sequence: "pte = pte_offset_map_lock(vma->vm_mm, pmd, addr, &ptl);\nflush_tlb_batched_pending(vma->vm_mm);\n/* change the entries */\npte_unmap_unlock(pte - 1, ptl);"}),
		Touches: func(c *Call, f *Footprint) {
			m := mmArg(c, 0)
			if m == nil {
				return
			}
			pending, flushed := m.TLBFlushBatched()
			f.tlbFlushBatched(m, pending != flushed)
			if pending != flushed {
				f.TLB(m, true)
			}
		},
		Fn: func(c *Call) Result {
			m := c.mm(0)
			if !c.T.holdsPTLOf(m) {
				c.K.violate(c.T, ruleBatchedNeedsPTL, fmt.Sprintf("flush_tlb_batched_pending(%s) without a PTE lock of %s held: its read of "+
					"mm->tlb_flush_batched is not ordered after a batched unmap's clear of the entries the caller changes next", m.Name, m.Name))
			}
			c.flushTLBBatchedPending(m)
			return ok
		}})
}

// flushTLBBatchedPending runs flush_tlb_batched_pending(m): the flush, if
// any, meets every obligation of the task in m.
func (c *Call) flushTLBBatchedPending(m *MM) {
	if m.Core.FlushTLBBatchedPending() {
		c.T.tlbFlushed(m, 0, m.Core.TaskSize())
	}
}

// tryToUnmapFlush runs try_to_unmap_flush() for the task.
func (c *Call) tryToUnmapFlush() {
	b := &c.T.tlbUBC
	if !b.FlushRequired {
		return
	}
	mms := append([]*mmcore.MM(nil), b.MMs()...)
	b.Flush()
	for _, m := range mms {
		if rm := mmOf(m); rm != nil {
			c.T.tlbFlushed(rm, 0, m.TaskSize())
		}
	}
}
