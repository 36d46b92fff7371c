package runtime

import (
	"github.com/mmscript/mmscript/mmcore"
)

// zap_pte_range()'s force_break (mm/memory.c, linux-mm@009857a22860):
// zap_present_folio_ptes() adds each folio's pages to the gather's active
// batch (__tlb_remove_folio_pages(), mm/mmu_gather.c); when the batch is
// full and tlb_next_batch() gives no other, it sets *force_flush and
// *force_break, the loop stops after that entry ("addr += nr *
// PAGE_SIZE; break"), and zap_pte_range() flushes the TLB and the
// delayed rmaps before it drops the PTE lock (tlb_flush_mmu_tlbonly(),
// tlb_flush_rmaps()), frees the gathered pages (tlb_flush_mmu()) and
// takes the lock again where it stopped (goto retry). Other threads run
// between the two holds of the lock.
//
// The batches (mm/mmu_gather.c linux-mm@0796b489ebe2,
// include/asm-generic/tlb.h): the gather's own tlb->local of
// MMU_GATHER_BUNDLE (8) entries, then pages of MAX_GATHER_BATCH entries
// taken with __get_free_page(GFP_NOWAIT), at most MAX_GATHER_BATCH_COUNT
// of them, and none past the first while rmap removals are delayed
// (tlb->delayed_rmap). A batch is full at max - 1 entries: a folio of
// several pages takes two (the page and nr_pages). So a zap breaks on
// its own after about 10,000 pages (about 500 with dirty file pages),
// and after 7 when the GFP_NOWAIT allocation fails: fail_page_alloc()
// makes it fail, so that a script sees the lock dropped and retaken with
// a few pages.

const (
	// mmuGatherBundle is MMU_GATHER_BUNDLE, the size of tlb->__pages.
	mmuGatherBundle = 8
	// maxGatherBatch is MAX_GATHER_BATCH: (PAGE_SIZE - sizeof(struct
	// mmu_gather_batch)) / sizeof(void *), a 16-byte header on x86-64.
	maxGatherBatch = (mmcore.PageSize - 16) / 8
	// maxGatherBatchCount is MAX_GATHER_BATCH_COUNT (10000UL / MAX_GATHER_BATCH).
	maxGatherBatchCount = 10000 / maxGatherBatch
)

// gatherBatch is the state of an mmu_gather's page batches
// (tlb->local, tlb->active, tlb->batch_count).
type gatherBatch struct {
	active int // 0: tlb->local; i > 0: the i-th batch page
	nr     int // tlb->active->nr
	count  int // tlb->batch_count: batch pages allocated
}

func (b *gatherBatch) max() int {
	if b.active == 0 {
		return mmuGatherBundle
	}
	return int(maxGatherBatch)
}

// removeFolioPages is __tlb_remove_folio_pages(): nr pages of one folio
// take one entry of the active batch (two when nr > 1); it reports true
// when the batch is full and tlb_next_batch() gives no other (the
// caller's force_break). delayed is tlb->delayed_rmap.
func (g *MMUGather) removeFolioPages(k *Kernel, nr int, delayed bool) bool {
	b := &g.batch
	if nr == 1 {
		b.nr++
	} else {
		b.nr += 2
	}
	if b.nr >= b.max()-1 {
		return !b.next(k, delayed)
	}
	return false
}

// next is tlb_next_batch().
func (b *gatherBatch) next(k *Kernel, delayed bool) bool {
	if delayed && b.active != 0 {
		return false // "Limit batching if we have delayed rmaps pending"
	}
	if b.active < b.count {
		b.active++ // batch->next, emptied by the last tlb_batch_pages_flush()
		b.nr = 0
		return true
	}
	if b.count == int(maxGatherBatchCount) || k.failNowaitAlloc() {
		return false
	}
	b.count++
	b.active, b.nr = b.count, 0
	return true
}

// pagesFlushed is tlb_batch_pages_flush(): every batch emptied, tlb->local
// active again.
func (b *gatherBatch) pagesFlushed() { b.active, b.nr = 0, 0 }

// failNowaitAlloc reports whether a GFP_NOWAIT page allocation fails now
// (fail_page_alloc()), counting the failure.
func (k *Kernel) failNowaitAlloc() bool {
	if k.failNowait == 0 {
		return false
	}
	if k.failNowait > 0 {
		k.failNowait--
	}
	return true
}

// batchEnd runs zap_pte_range()'s batch accounting over the present
// entries of [start, end) in p's table, as zap_present_ptes() hands
// their pages to the gather (folio_pte_batch() makes one call of the
// entries mapping consecutive pages of one large folio; vm_normal_page()
// gives no page for a special or zero-page entry, which takes no batch
// entry; delayRmap is tlb_delay_rmap(), which sets tlb->delayed_rmap for
// a dirty entry of a folio that is not anonymous), and returns where the
// loop stops: end, or past the entries whose pages filled the batch
// (force_break). It leaves zap_pte_range()'s force_break and addr in
// g.forceBreak and g.addr.
func (g *MMUGather) batchEnd(k *Kernel, p *PTE, start, end mmcore.Addr, delayRmap bool) mmcore.Addr {
	mem := p.MM.Core.Memory()
	delayed := len(g.delayed) > 0
	g.forceBreak, g.addr = false, end
	page := func(a mmcore.Addr) (mmcore.PTE, *mmcore.Page) {
		e := p.Table.Entry(p.Table.Index(a))
		if !e.Present() || e.Special() {
			return e, nil
		}
		pg := mem.Page(e.PFN())
		if pg == nil || pg.Zero() {
			return e, nil
		}
		return e, pg
	}
	for a := start; a < end; {
		e, pg := page(a)
		if pg == nil {
			a += mmcore.PageSize
			continue
		}
		f := pg.Folio()
		nr, dirty := 1, e.Dirty()
		for b := a + mmcore.PageSize; b < end; b += mmcore.PageSize {
			n, q := page(b)
			if q == nil || q.Folio() != f || n.PFN() != e.PFN()+mmcore.PFN(nr) {
				break
			}
			dirty = dirty || n.Dirty()
			nr++
		}
		if delayRmap && dirty && !f.Anon() {
			delayed = true
		}
		a += mmcore.Addr(nr) * mmcore.PageSize
		if g.removeFolioPages(k, nr, delayed) {
			g.forceBreak, g.addr = true, a
			return a
		}
	}
	return end
}

func init() {
	defOp(&Op{Name: "fail_page_alloc", Params: []Param{{Name: "times", Type: TInt}},
		API: register(&API{Name: "fail_page_alloc", Section: "-", Hold: "nothing", Takes: "nothing", Sleeps: "no", Asserts: "none",
			Source: "mm/fail_page_alloc.c: should_fail_alloc_page(); Documentation/fault-injection/fault-injection.rst",
			Notes: "fault injection as CONFIG_FAIL_PAGE_ALLOC sets it up in /sys/kernel/debug/fail_page_alloc/: probability=100, ignore-gfp-wait=Y " +
				"(its default: only allocations that may not sleep fail) and times=TIMES (-1: no limit, 0: off), so the next TIMES such allocations fail. " +
				"mmscript fails the one it models, tlb_next_batch()'s __get_free_page(GFP_NOWAIT): an mmu_gather then holds MMU_GATHER_BUNDLE - 1 = 7 " +
				"entries before zap_pte_range() flushes and drops its PTE lock mid-table (force_break), where it would hold about 10,000",
			Cites: []Cite{cite("mm/mmu_gather.c", "tlb_next_batch()", "none: batch = (void *)__get_free_page(GFP_NOWAIT); if (!batch) return false;", readGather),
				cite("mm/memory.c", "zap_present_folio_ptes(), zap_pte_range()", "none: if (unlikely(__tlb_remove_folio_pages(tlb, page, nr, delay_rmap))) { *force_flush = true; *force_break = true; } ... "+
					"if (unlikely(force_break)) { addr += nr * PAGE_SIZE; direct_reclaim = false; break; }", readMemory2026)},
			Sequence: "fail_page_alloc(-1)    /* echo 100 > probability; echo -1 > times */\nmunmap(mm, start, pages=16)    /* zap_pte_range() drops and retakes the PTE lock every 7 pages */"}),
		Touches: func(_ *Call, f *Footprint) { f.Alloc() },
		Fn: func(c *Call) Result {
			n := c.int(0)
			if n < -1 {
				return fail("fail_page_alloc: times %d (want -1, 0 or more)", n)
			}
			c.K.failNowait = int(n)
			return ok
		}})
}
