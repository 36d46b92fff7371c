package mmcore

import "slices"

// Reclaim's batched TLB flush (mm/rmap.c, CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH,
// which x86 selects). try_to_unmap_one() with TTU_BATCH_FLUSH clears a PTE
// under its lock and does not flush: set_tlb_ubc_flush_pending() records the
// flush in the task's struct tlbflush_unmap_batch (current->tlb_ubc) and
// raises mm->tlb_flush_batched, and the PTE lock drops with other CPUs still
// translating the address. The flush comes once per batch:
// try_to_unmap_flush() (shrink_folio_list(), before the pages are freed or,
// for a dirty entry, try_to_unmap_flush_dirty() before they are written
// out). Meanwhile any other path that changes entries of the mm under the
// PTE lock and then trusts what it found there (mprotect's
// change_pte_range(), zap_pte_range(), mremap's move_ptes(), madvise's
// pte walks) calls flush_tlb_batched_pending() first, which flushes the
// whole mm when a batched unmap of it happened since the last such flush
// (commit 3ea277194daa, v4.12). mmcore keeps the two pieces of state and
// the operations on them; the cached translations stay in the TLB until a
// flush reaches them, as for every other missing flush (tlb.go).

// The layout of mm->tlb_flush_batched (mm/rmap.c): "Bits 0-14 of
// mm->tlb_flush_batched record pending generations. Bits 16-30 of
// mm->tlb_flush_batched bit record flushed generations."
const (
	tlbFlushBatchFlushedShift = 16
	tlbFlushBatchPendingMask  = (1 << (tlbFlushBatchFlushedShift - 1)) - 1
	tlbFlushBatchPendingLarge = tlbFlushBatchPendingMask / 2
)

// TLBFlushUnmapBatch is a task's struct tlbflush_unmap_batch
// (include/linux/sched.h: current->tlb_ubc): the flush a reclaiming task
// owes for the entries it cleared with TTU_BATCH_FLUSH. On x86 the arch
// part is a cpumask (arch_tlbbatch_add_pending() ORs in mm_cpumask(mm));
// here it is the mms whose CPUs it names, in the order they were added.
type TLBFlushUnmapBatch struct {
	mms []*MM
	// FlushRequired is tlb_ubc->flush_required: a flush is owed.
	FlushRequired bool
	// Writable is tlb_ubc->writable: an entry cleared in the batch was
	// dirty, so a CPU may still write to its page through the stale
	// translation ("If the PTE was dirty then it's best to assume it's
	// writable").
	Writable bool
}

// MMs returns the mms the batch's flush covers.
func (b *TLBFlushUnmapBatch) MMs() []*MM { return b.mms }

// SetFlushPending is set_tlb_ubc_flush_pending(mm, pteval, uaddr): the
// caller cleared pteval at uaddr of m (ptep_get_and_clear()) under its
// PTE lock and defers the flush to the end of the batch. accessible is
// pte_accessible(mm, pteval), which on x86 reads mm->tlb_flush_pending for
// a PROT_NONE entry (the lock checker's state): an entry no CPU may
// translate owes no flush and leaves everything as it was.
func (b *TLBFlushUnmapBatch) SetFlushPending(m *MM, pteval PTE, accessible bool, uaddr Addr) {
	if !accessible {
		return
	}
	// arch_tlbbatch_add_pending(&tlb_ubc->arch, mm, uaddr)
	if !slices.Contains(b.mms, m) {
		b.mms = append(b.mms, m)
	}
	b.FlushRequired = true
	batch := m.tlbFlushBatched
	if batch&tlbFlushBatchPendingMask > tlbFlushBatchPendingLarge {
		// "Prevent `pending' from catching up with `flushed' because of
		// overflow. Reset `pending' and `flushed' to be 1 and 0 if
		// `pending' becomes large." (atomic_try_cmpxchg: one step here)
		m.tlbFlushBatched = 1
	} else {
		m.tlbFlushBatched++ // atomic_inc(&mm->tlb_flush_batched)
	}
	if pteval.Dirty() {
		b.Writable = true
	}
	// The stale translations CPUs keep of uaddr are this batch's to
	// flush (TLB.batched); a flush of every CPU ends the mark.
	t := m.TLB
	if t.batched == nil {
		t.batched = map[Addr]struct{}{}
	}
	m.ptChanged()
	t.batched[uaddr&PageMask] = struct{}{}
}

// Flush is try_to_unmap_flush(): flush what the batch owes (x86's
// arch_tlbbatch_flush() flushes every CPU of the cpumask: here every
// translation of each mm the batch names) and reset it. The mms'
// tlb_flush_batched is left as it is, as the kernel leaves it: a later
// flush_tlb_batched_pending() flushes once more.
func (b *TLBFlushUnmapBatch) Flush() {
	if !b.FlushRequired {
		return
	}
	for _, m := range b.mms {
		m.TLB.FlushAll()
	}
	b.mms = b.mms[:0]
	b.FlushRequired = false
	b.Writable = false
}

// FlushDirty is try_to_unmap_flush_dirty(): "Flush iff there are
// potentially writable TLB entries that can race with IO".
func (b *TLBFlushUnmapBatch) FlushDirty() {
	if b.Writable {
		b.Flush()
	}
}

// ArchTLBBatchShouldDefer is x86's arch_tlbbatch_should_defer(mm) for a
// task on CPU cpu: defer when a CPU other than this one may hold
// translations of m ("If remote CPUs need to be flushed then defer batch
// the flush": cpumask_any_but(mm_cpumask(mm), get_cpu()) < nr_cpu_ids).
// mm_cpumask is the CPUs that hold translations of m here.
func ArchTLBBatchShouldDefer(m *MM, cpu int) bool {
	for _, c := range m.TLB.CPUs() {
		if c != cpu {
			return true
		}
	}
	return false
}

// TLBFlushBatched returns mm->tlb_flush_batched's two counts: the
// batched unmaps so far (pending) and the count the last
// flush_tlb_batched_pending() flushed up to (flushed).
func (m *MM) TLBFlushBatched() (pending, flushed int) {
	b := m.tlbFlushBatched
	return int(b & tlbFlushBatchPendingMask), int(b >> tlbFlushBatchFlushedShift)
}

// FlushTLBBatchedPending is flush_tlb_batched_pending(mm), called under a
// PTE lock of m: when a batched unmap of m happened since the last such
// flush (pending != flushed), flush the whole mm
// (arch_flush_tlb_batched_pending(): flush_tlb_mm() on x86) and record
// the pending count as flushed. It reports whether it flushed. The
// kernel's atomic_cmpxchg() leaves the count alone when another batched
// unmap raised it meanwhile; in mmcore the read and the exchange are one
// step, so it always succeeds.
func (m *MM) FlushTLBBatchedPending() bool {
	batch := m.tlbFlushBatched
	pending := batch & tlbFlushBatchPendingMask
	flushed := batch >> tlbFlushBatchFlushedShift
	if pending == flushed {
		return false
	}
	m.TLB.FlushAll()
	m.tlbFlushBatched = pending | pending<<tlbFlushBatchFlushedShift
	return true
}

// StaleBatchedIn returns the cached translations of [start, end) that are
// stale by a batched unmap's deferred flush (SetFlushPending, and no
// flush of every CPU since), by CPU and then address: what a path that
// changes entries of the range under their PTE lock must flush first
// (flush_tlb_batched_pending()), or they outlive it.
func (t *TLB) StaleBatchedIn(start, end Addr) []StaleRef {
	if len(t.batched) == 0 {
		return nil
	}
	var out []StaleRef
	for _, r := range t.StaleIn(start, end) {
		if _, ok := t.batched[r.Addr]; ok {
			out = append(out, r)
		}
	}
	return out
}

// Batched reports whether addr's page was cleared by a batched unmap
// whose flush no flush of every CPU has reached yet.
func (t *TLB) Batched(addr Addr) bool {
	_, ok := t.batched[addr&PageMask]
	return ok
}
