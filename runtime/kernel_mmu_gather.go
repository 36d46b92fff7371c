package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// The mmu_gather's flush (mm/mmu_gather.c) as steps a kernel path calls:
// tlb_finish_mmu() is a function of the kernel library
// (kernel/mmu_gather.mms), so that a script models a kernel before
// commit 99baac21e458 by replacing it. mm->tlb_flush_pending counts the
// gathers of the mm under way: two at once means another thread zaps the
// same mm under a non-exclusive lock (parallel MADV_DONTNEED under the
// mmap read lock or VMA read locks) and may have cleared an entry this
// gather then found none, deferring its flush; tlb_finish_mmu() then
// flushes the whole mm.

// ruleStaleAfterZap: the range a zap walked has no stale translation left
// when its mmu_gather is flushed at the end.
var ruleStaleAfterZap = &Rule{"tlb/stale-after-zap",
	"when a zap's mmu_gather is finished (tlb_finish_mmu), no CPU still translates an address of the range it zapped through a cleared or changed entry: " +
		"another thread zapping the same range under a non-exclusive lock (mmap read lock, VMA read lock) may have cleared the entry and deferred its " +
		"flush, so this zap found none and flushed nothing; tlb_finish_mmu() flushes the whole mm when mm_tlb_flush_nested() says another gather is pending, " +
		"else user space writes through the stale entry after madvise(MADV_DONTNEED) returned (the write is lost with the page)",
	"mm/mmu_gather.c: tlb_finish_mmu() (\"If there are parallel threads are doing PTE changes on same range under non-exclusive lock (e.g., mmap_lock " +
		"read-side) but defer TLB flush by batching, one thread may end up seeing inconsistent PTEs and result in having stale TLB entries\"); " +
		"commit 99baac21e458 (\"mm: fix MADV_[FREE|DONTNEED] TLB flush miss problem\", v4.13); include/linux/mm_types.h: mm_tlb_flush_nested()",
	Unchecked}

// tlbFlushPending records an access to mm->tlb_flush_pending: an object
// of its own, so that beginning a gather does not conflict with the TLB
// fills of user accesses.
func (f *Footprint) tlbFlushPending(m *mmcore.MM, write bool) {
	if f == nil || m == nil {
		return
	}
	if rm := mmOf(m); rm != nil {
		f.Add(ATLB, nameID(rm.Name+"->tlb_flush_pending"), write)
	}
}

// cover adds [start, end) to the range the gather's zaps walked, and
// notes the translations of it that are stale when the zap walks it:
// entries another thread cleared or changed and has not flushed, which
// this zap finds none and so does not gather. Entries cleared after the
// zap walked the range are the other thread's to flush.
func (g *MMUGather) cover(start, end mmcore.Addr) {
	if start >= end {
		return
	}
	g.staleSeen = append(g.staleSeen, g.MM.Core.TLB.StaleIn(start, end)...)
	if g.CovEnd == g.CovStart {
		g.CovStart, g.CovEnd = start, end
		return
	}
	g.CovStart, g.CovEnd = min(g.CovStart, start), max(g.CovEnd, end)
}

func init() {
	fieldTable[TMMUGather] = map[string]func(k *Kernel, x any) Value{
		"mm": func(_ *Kernel, x any) Value { return Obj(TMM, x.(*MMUGather).MM) },
	}
	fieldTypes[TMMUGather] = map[string]Type{"mm": TMM}
	fieldDocs["mmu_gather.mm"] = "tlb->mm, the mm the gather zaps"

	gatherSource := "mm/mmu_gather.c: tlb_finish_mmu(); include/linux/mm_types.h"
	mmP := []Param{{Name: "mm", Type: TMM}}
	pending := func(name, notes, seq string, write bool, fn func(m *MM) Value) {
		defOp(&Op{Name: name, Params: mmP, Result: TBool,
			API: register(&API{Name: name, Section: "2.39", Hold: "nothing (an atomic_t of the mm)", Takes: "nothing", Sleeps: "no",
				Source: "include/linux/mm_types.h: " + name + "()", Notes: notes,
				Cites:    []Cite{cite("mm/mmu_gather.c", "__tlb_gather_mmu(), tlb_finish_mmu()", "none", readGather)},
				Sequence: seq}),
			Touches: func(c *Call, f *Footprint) { f.tlbFlushPending(mmArg(c, 0), write) },
			Fn:      func(c *Call) Result { return done(fn(c.mm(0))) }})
	}
	finishSeq := "if (mm_tlb_flush_nested(tlb->mm)) {\n\ttlb->fullmm = 1;\n\t__tlb_reset_range(tlb);\n\ttlb->freed_tables = 1;\n}\n" +
		"tlb_flush_mmu(tlb);\n...\ndec_tlb_flush_pending(tlb->mm);"
	pending("inc_tlb_flush_pending", "mm->tlb_flush_pending++: a gather (or change_protection's batched flush) of the mm begins; __tlb_gather_mmu() does it",
		"inc_tlb_flush_pending(mm);\n/* ... change PTEs under their locks, flush later ... */\nflush_tlb_range(vma, start, end);\ndec_tlb_flush_pending(mm);",
		true, func(m *MM) Value { m.tlbFlushPending++; return Bool(true) })
	pending("dec_tlb_flush_pending", "mm->tlb_flush_pending--: the flush it promised is done; tlb_finish_mmu() does it last",
		finishSeq, true, func(m *MM) Value {
			if m.tlbFlushPending > 0 {
				m.tlbFlushPending--
			}
			return Bool(true)
		})
	pending("mm_tlb_flush_pending", "true while a gather or batched flush of the mm is under way (atomic_read(&mm->tlb_flush_pending) > 0)",
		"if (mm_tlb_flush_pending(mm))\n\tflush_tlb_range(vma, start, end);", false, func(m *MM) Value { return Bool(m.tlbFlushPending > 0) })
	pending("mm_tlb_flush_nested", "true when two or more gathers of the mm are under way (atomic_read(&mm->tlb_flush_pending) > 1): another thread zaps "+
		"under a non-exclusive lock and may have deferred the flush of an entry this gather found none",
		finishSeq, false, func(m *MM) Value { return Bool(m.tlbFlushPending > 1) })

	defOp(&Op{Name: "tlb_flush_mmu", Params: []Param{{Name: "tlb", Type: TMMUGather}},
		API: register(&API{Name: "tlb_flush_mmu", Section: "2.39", Hold: "the lock of the zap, no PTL (it frees pages)", Takes: "the TLB flush IPIs",
			Sleeps: "yes (page freeing)", Asserts: "none", Source: gatherSource + "; mm/mmu_gather.c: tlb_flush_mmu(), tlb_flush_mmu_tlbonly(), tlb_batch_pages_flush()",
			Notes: "flushes the TLB over what the gather's zaps cleared, then drops the gathered pages' references (they may be freed now). " +
				"At that point no CPU may translate an address of the range the zaps walked through a stale entry (tlb/stale-after-zap)",
			Rules:    []*Rule{ruleStaleAfterZap, ruleSleepInAtomic},
			Cites:    []Cite{cite("mm/mmu_gather.c", "tlb_flush_mmu()", "none: tlb_flush_mmu_tlbonly(tlb); tlb_flush_mmu_free(tlb);", readGather)},
			Sequence: finishSeq}),
		Touches: func(c *Call, f *Footprint) {
			if g, ok := c.Args[0].Obj.(*MMUGather); ok {
				f.TLB(g.MM.Core, true)
				f.PTEs(g.MM.Core, false)
			}
			f.AllPages(true)
			f.Alloc()
		},
		Fn: func(c *Call) Result {
			g := c.mmuGather(0)
			m := g.MM
			if g.nrPages > 0 || len(g.pages) > 0 {
				// tlb_batch_pages_flush() -> __tlb_batch_free_encoded_pages():
				// cond_resched() after each batch of pages it frees
				c.T.MightSleep("tlb_flush_mmu (freeing the gathered pages: __tlb_batch_free_encoded_pages() calls cond_resched())")
			}
			if g.End > g.Start {
				m.Core.TLB.FlushRange(g.Start, g.End) // tlb_flush_mmu_tlbonly()
				c.T.tlbFlushed(m, g.Start, g.End)
			}
			g.Start, g.End = 0, 0 // __tlb_reset_range()
			for _, p := range g.pages {
				_ = p.Put() // tlb_batch_pages_flush(): free_pages_and_swap_cache()
			}
			g.pages, g.nrPages = nil, 0
			for _, r := range g.staleSeen {
				if m.Core.TLB.IsStale(r.CPU, r.Addr) {
					c.K.violate(c.T, ruleStaleAfterZap, fmt.Sprintf("tlb_flush_mmu: the zap of [%#x, %#x) is finished while CPU %d still translates %#x through "+
						"a stale entry: another thread had cleared or changed the entry without flushing it yet (a pending gather: mm_tlb_flush_nested) "+
						"when this zap found it, and this gather flushed only what it cleared itself", uint64(g.CovStart), uint64(g.CovEnd), r.CPU, uint64(r.Addr)))
					break
				}
			}
			g.staleSeen = nil
			return ok
		}})
}
