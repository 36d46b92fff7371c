package runtime

import (
	"fmt"
	"slices"

	"github.com/mmscript/mmscript/lang"

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
	"when the mmu_gather of a zap, or of MADV_FREE's or MADV_COLD's walk, is finished (tlb_finish_mmu), no CPU still translates an address of the range " +
		"it walked through a cleared or changed entry: another thread changing the same range under a non-exclusive lock (mmap read lock, VMA read lock) " +
		"may have cleared the entry and deferred its flush, so this walk found none and flushed nothing; tlb_finish_mmu() flushes the whole mm when mm_tlb_flush_nested() says another gather is pending, " +
		"else user space writes through the stale entry after madvise(MADV_DONTNEED) returned (the write is lost with the page)",
	"mm/mmu_gather.c: tlb_finish_mmu() (\"If there are parallel threads are doing PTE changes on same range under non-exclusive lock (e.g., mmap_lock " +
		"read-side) but defer TLB flush by batching, one thread may end up seeing inconsistent PTEs and result in having stale TLB entries\"); " +
		"commit 99baac21e458 (\"mm: fix MADV_[FREE|DONTNEED] TLB flush miss problem\", v4.13); include/linux/mm_types.h: mm_tlb_flush_nested()",
	Unchecked}

// The ordering include/linux/mm_inline.h documents for
// mm->tlb_flush_pending: atomic_inc; spin_lock(ptl); set_pte_at();
// spin_unlock(ptl); ... flush_tlb_range(); atomic_dec. A reader that takes
// the PTL and sees the changed entry also sees the increment, and the
// count drops only once the flush is done. The order is each caller's,
// about its own changes: mmscript checks both ends of a thread's window
// against the mm's TLB and the changes on record as that thread's
// (NoteChanges). At its increment, no CPU may still translate through an
// entry the thread changed before it, and at its last decrement, through
// one it changed inside the window, unflushed, with no thread holding the
// entry's PTL (a holder is still inside its ptep_clear_flush()-style
// critical section). Another thread that raised or dropped the count
// meanwhile is not to blame for them.
const (
	incPendingComment = "none: atomic_inc(&mm->tlb_flush_pending); comment: \"So the ordering here is: atomic_inc(&mm->tlb_flush_pending); spin_lock(&ptl); ... " +
		"set_pte_at(); spin_unlock(&ptl); ... flush_tlb_range(); atomic_dec(&mm->tlb_flush_pending); Where the increment if constrained by the PTL unlock, " +
		"it thus ensures that the increment is visible if the PTE modification is visible.\""
	decPendingComment = "none: atomic_dec(&mm->tlb_flush_pending); comment (inc_tlb_flush_pending): \"The decrement is ordered by the flush_tlb_range(), " +
		"such that mm_tlb_flush_pending() will not return false unless all flushes have completed.\""
	pendingNeedsPTLComment = "none: return atomic_read(&mm->tlb_flush_pending); comment: \"Must be called after having acquired the PTL; orders against that " +
		"PTLs release and therefore ensures that if we observe the modified PTE we must also observe the increment from inc_tlb_flush_pending().\""
)

var ruleIncAfterChange = &Rule{"inc_tlb_flush_pending/after-pte-change",
	"inc_tlb_flush_pending() comes before the PTE changes whose TLB flush it defers (atomic_inc; spin_lock(ptl); set_pte_at(); spin_unlock(ptl); " +
		"flush_tlb_range(); atomic_dec): the PTL's release publishes the increment with the change. Raised only after the PTL dropped, it leaves a window " +
		"in which a thread that takes that PTL sees the changed entry and mm_tlb_flush_pending() false (KSM's write_protect_page(), a NUMA or migration " +
		"path), and skips the flush another CPU still needs",
	"include/linux/mm_inline.h (include/linux/mm_types.h in older kernels): inc_tlb_flush_pending() comment \"Where the increment if constrained by the PTL unlock, " +
		"it thus ensures that the increment is visible if the PTE modification is visible\" (no check)", Unchecked}

var ruleDecBeforeFlush = &Rule{"dec_tlb_flush_pending/before-flush",
	"dec_tlb_flush_pending() comes after the TLB flush of the changes it covered (tlb_finish_mmu(): tlb_flush_mmu(), then dec_tlb_flush_pending()): " +
		"once the count is back at zero, mm_tlb_flush_pending() and mm_tlb_flush_nested() tell nobody that a CPU still translates through a changed entry, " +
		"so a racing zap or KSM skips the flush it would have done",
	"include/linux/mm_inline.h: inc_tlb_flush_pending() comment \"The decrement is ordered by the flush_tlb_range(), such that mm_tlb_flush_pending() " +
		"will not return false unless all flushes have completed\"; dec_tlb_flush_pending() \"we must rely on tlb_flush_*() to guarantee order\" (no check)", Unchecked}

var rulePendingNeedsPTL = &Rule{"mm_tlb_flush_pending/needs-ptl",
	"mm_tlb_flush_pending() is read after acquiring the PTL of the entries it is asked about (mmscript: with a PTL of that mm held): only that PTL's " +
		"acquisition orders the read after the release that published both the changed entry and the increment; read without it, it can say false " +
		"for an entry whose flush is still pending",
	"include/linux/mm_inline.h: mm_tlb_flush_pending() comment \"Must be called after having acquired the PTL; orders against that PTLs release ... " +
		"it only guarantees to return true if there is a flush pending for _this_ PTL\" (no check)", Unchecked}

// flushRaise is one increment of mm->tlb_flush_pending by a task: by
// tlb_gather_mmu() (gather set) or inc_tlb_flush_pending().
type flushRaise struct {
	mm     *MM
	gather *MMUGather
	pos    lang.Pos
}

// raisedFlush reports whether t has raised m's tlb_flush_pending and not
// dropped it yet.
func (t *Task) raisedFlush(m *MM) bool {
	for _, r := range t.flushRaises {
		if r.mm == m {
			return true
		}
	}
	return false
}

// dropFlushRaise forgets t's newest raise of m's count (a decrement
// ends the batch begun last: gathers nest, an inner one finishes first).
func (t *Task) dropFlushRaise(m *MM) {
	for i := len(t.flushRaises) - 1; i >= 0; i-- {
		if t.flushRaises[i].mm == m {
			t.flushRaises = slices.Delete(t.flushRaises, i, i+1)
			return
		}
	}
}

var ruleGatherNotFinished = &Rule{"tlb_gather_mmu/not-finished",
	"an mmu_gather begun with tlb_gather_mmu() is ended with tlb_finish_mmu() by the thread that began it (the struct is on its stack): only the finish " +
		"issues the final TLB invalidate, frees the pages still queued and drops mm->tlb_flush_pending again; left unfinished, the gathered pages leak, " +
		"and the count stays raised, so every later tlb_finish_mmu() of the mm sees mm_tlb_flush_nested() and flushes the whole mm",
	"include/asm-generic/tlb.h: \"The mmu_gather API consists of: tlb_gather_mmu() / tlb_gather_mmu_fullmm() / tlb_gather_mmu_vma() / tlb_finish_mmu(): " +
		"start and finish a mmu_gather. Finish in particular will issue a (final) TLB invalidate and free all (remaining) queued pages.\"; " +
		"mm/mmu_gather.c: __tlb_gather_mmu() inc_tlb_flush_pending(), tlb_finish_mmu() dec_tlb_flush_pending() (no check)", Unchecked}

// gathersAtExit reports each mmu_gather t began and did not finish.
func (k *Kernel) gathersAtExit(t *Task) {
	for _, r := range t.flushRaises {
		if r.gather != nil {
			k.violate(t, ruleGatherNotFinished, fmt.Sprintf("thread %s ends with the mmu_gather of %s it began unfinished (no tlb_finish_mmu): "+
				"mm->tlb_flush_pending stays raised and the pages it gathered are never freed", t.Name, r.mm.Name),
				Related{r.pos, "tlb_gather_mmu() here"})
		}
	}
}

// pteChange is a change of the entry mapping a virtual page that a CPU
// still translates through the entry's old value: which task made it,
// where, and whether that task had raised mm->tlb_flush_pending then
// (the change lies in its own pending window).
type pteChange struct {
	task   *Task
	pos    lang.Pos
	entry  mmcore.PTE // the entry the change left: a later different one is another change
	raised bool
}

// sameTranslation reports whether entries a and b translate alike (page,
// presence, accessibility, write permission): accessed and dirty bits a
// walk sets are no rewrite of the entry.
func sameTranslation(a, b mmcore.PTE) bool {
	return a.Present() == b.Present() && a.Accessible() == b.Accessible() && a.PFN() == b.PFN() && a.Writable() == b.Writable()
}

// NoteChanges attributes to t every translation of an mm that became
// stale since the last call: t's step, which just ran, changed its entry.
// The interpreter calls it after each operation step (a step runs for one
// task, so whatever entry it changed, t changed). The kernel keeps no such
// record: its ordering contract (include/linux/mm_inline.h:
// inc_tlb_flush_pending()) is each caller's about its own changes
// (atomic_inc; spin_lock(ptl); set_pte_at(); spin_unlock(ptl); ...
// flush_tlb_range(); atomic_dec), and mmscript needs to know whose change
// a stale translation is to blame the caller that broke it, not another
// thread that raised or dropped the count meanwhile.
//
// The records are state the checks read, so the step after which a task's
// records change writes them (tlbChanges, into the footprint of the step
// that just ran): a record of task u ends after another task's flush or
// rewrite of the entry, and u's inc/dec check must be ordered against that
// step whether it then finds the record or not. A step that leaves every
// record as it was records nothing. A step that wrote a page-table entry
// reads the TLB too: whether its change leaves a record depends on whether
// a CPU still caches the entry, which another thread's flush decides (a
// flush before the change leaves no record, one after it ends the record,
// and a check of the changer's in between finds it).
func (k *Kernel) NoteChanges(t *Task) {
	wrotePT := k.fp != nil && k.fp.wrotePT
	if wrotePT {
		k.fp.wrotePT = false
	}
	for _, m := range k.mms {
		if wrotePT {
			k.fp.TLB(m.Core, false)
		}
		// Unless a page-table entry or a TLB changed since the last
		// call, the stale translations and the entries they read are
		// those the last call recorded: nothing to add or end. Steps
		// that change neither are most steps (lock steps, a fault on
		// another mm), and the scan below walked every cached entry.
		if !m.Core.TLB.TakeChanged() {
			continue
		}
		if len(m.changes) == 0 && m.Core.TLB.Empty() {
			continue
		}
		// Buffers on the stack for the common few entries, and the
		// stale pages sorted for lookup: matching each record against
		// the whole list was quadratic.
		var buf [16]mmcore.StaleRef
		var vbuf [16]mmcore.Addr
		stale := m.Core.TLB.AppendStaleIn(buf[:0], 0, m.Core.TaskSize())
		staleVA := vbuf[:0]
		for _, r := range stale {
			staleVA = append(staleVA, r.Addr)
		}
		slices.Sort(staleVA)
		for va, cs := range m.changes {
			if _, found := slices.BinarySearch(staleVA, va); !found {
				// flushed everywhere, or mapped as cached again
				for _, c := range cs {
					k.fp.tlbChanges(m, c.task, true)
				}
				delete(m.changes, va)
			}
		}
		for _, r := range stale {
			e := m.Core.Walk(r.Addr).Entry
			cs := m.changes[r.Addr]
			// A rewrite needs a flush by the TLB's own staleness rule,
			// measured from the entry the last change left (which may be
			// PROT_NONE: mmcore.StaleTranslation). The kernel flushes on
			// the change that removed or downgraded a translation
			// (include/asm-generic/tlb.h), not on the others.
			if n := len(cs); n > 0 && !mmcore.StaleTranslation(cs[n-1].entry, e) {
				// Seen (another CPU's translation of the same change), or
				// rewritten in a way that needs no flush: still the last
				// changer's stale translation. The entry now is what the
				// next change is measured from.
				if !sameTranslation(cs[n-1].entry, e) {
					cs[n-1].entry = e
					k.fp.tlbChanges(m, cs[n-1].task, true)
				}
				continue
			}
			if m.changes == nil {
				m.changes = map[mmcore.Addr][]pteChange{}
			}
			m.changes[r.Addr] = append(cs, pteChange{task: t, pos: t.Pos, entry: e, raised: t.raisedFlush(m)})
			k.fp.tlbChanges(m, t, true)
		}
	}
}

// partTLBChanges names the record of one task's changes of an mm's
// entries (MM.changes), followed by the task's name: an object per task,
// so that a thread that never changes an entry has an inc/dec check that
// conflicts with nobody's changes.
const partTLBChanges = "->tlb_changes/"

// tlbChanges records an access to the changes of m's entries on record
// as t's (MM.changes, NoteChanges).
func (f *Footprint) tlbChanges(m *MM, t *Task, write bool) {
	if f == nil {
		return
	}
	id := fnvFrom(mmPart(ID(m), partTLBChanges), t.Name)
	if f.names != nil {
		f.setName(ATLB, id, m.Name+partTLBChanges+t.Name)
	}
	f.Add(ATLB, id, write)
}

// changedBy reports whether a change of t's is on record for m, made in
// a pending window of t's own or outside one, as raised says. It reads
// t's records (whatever it finds: another task's step may have ended one).
func (k *Kernel) changedBy(m *MM, t *Task, raised bool) bool {
	k.fp.tlbChanges(m, t, false)
	for _, cs := range m.changes {
		for _, c := range cs {
			if c.task == t && c.raised == raised {
				return true
			}
		}
	}
	return false
}

// unflushedChangeOf returns a translation of m some CPU still uses
// although t changed its entry (in its pending window or outside it, as
// raised says), where no thread holds the PTL guarding the entry: a
// change of t's every PTL taker can see, not yet flushed. Another
// thread's changes are that thread's to order (a task that raised or
// dropped the count meanwhile is innocent of them). Under the mmap write
// lock there is none: the readers of the count (KSM, zaps, NUMA faults)
// hold the mmap lock or a VMA lock, which the writer excludes, and it
// flushes before letting them in (dup_mmap(): flush_tlb_mm(oldmm) before
// mmap_write_unlock(oldmm), with the PTLs long dropped).
//
// What it reads is recorded here, not in the operations' declarations:
// a footprint is what the step read in this run. It always reads t's
// records of changes (changedBy), which NoteChanges writes in whichever
// step adds, changes or ends one: t's own change, or another task's flush
// or rewrite of the entry, which ends t's record, so the check that finds
// the record and the one that finds it gone are both ordered against that
// step. With no change of t's on record it reads nothing else. Otherwise
// the mmap lock is read for its writer only (a plain read: read grants
// commute with it, they change the reader set), the page tables to find
// whose change each stale entry is and its PTL.
func unflushedChangeOf(k *Kernel, m *MM, t *Task, raised bool) (pteChange, mmcore.StaleRef, bool) {
	if !k.changedBy(m, t, raised) {
		return pteChange{}, mmcore.StaleRef{}, false
	}
	k.fp.Object(ALock, m.MmapLock, false)
	if m.MmapLock.writer != nil {
		return pteChange{}, mmcore.StaleRef{}, false
	}
	k.fp.TLB(m.Core, false)
	for _, r := range m.Core.TLB.StaleIn(0, m.Core.TaskSize()) {
		// StaleIn read the mapping of each entry the TLB holds; whose
		// change it is and its PTL are found through the walk to it
		k.fp.pteWalk(m.Core, r.Addr, pteMapping)
		i := slices.IndexFunc(m.changes[r.Addr], func(c pteChange) bool { return c.task == t && c.raised == raised })
		if i < 0 {
			continue
		}
		l := entryPTL(m, r.Addr)
		if l != nil {
			k.fpLockObserve(l)
		}
		if l == nil || !l.Held() {
			return m.changes[r.Addr][i], r, true
		}
	}
	return pteChange{}, mmcore.StaleRef{}, false
}

// entryPTL is the lock guarding the entry that maps addr: the PMD lock of
// a huge PMD, else the PTE lock of its PTE table; nil when no table maps
// addr any more.
func entryPTL(m *MM, addr mmcore.Addr) *Lock {
	w := m.Core.Walk(addr)
	if t := w.PTETable(); t != nil {
		return ptl(m, t)
	}
	if t := w.PMD(); t != nil {
		return ptl(m, t)
	}
	return nil
}

// holdsPTLOf reports whether t holds a page-table lock of m: a PTE or PMD
// lock living in one of m's page tables, or m->page_table_lock. The lock
// is known by identity (Lock.isPTLOf), as the kernel's pte_lockptr() and
// pmd_lockptr() find it from the table: a script lock merely named like
// one, or another mm's PTL, is none.
func holdsPTLOf(t *Task, m *MM) bool {
	for _, h := range t.holds {
		if h.Lock.isPTLOf(m) {
			return true
		}
	}
	return false
}

// tlbFlushPending records an access to mm->tlb_flush_pending: an object
// of its own, so that beginning a gather does not conflict with the TLB
// fills of user accesses.
func (f *Footprint) tlbFlushPending(m *mmcore.MM, write bool) {
	if f == nil || m == nil {
		return
	}
	f.Add(ATLB, mmPart(f.mmID(m), partFlushPending), write)
}

// cover adds [start, end) to the range the gather's zaps walked, and
// notes the translations of it that are stale when the zap walks it:
// entries another thread cleared or changed and has not flushed, which
// this zap finds none and so does not gather. Entries cleared after the
// zap walked the range are the other thread's to flush. by is the walk.
func (g *MMUGather) cover(start, end mmcore.Addr, by gatherWalk) {
	if start >= end {
		return
	}
	for _, r := range g.MM.Core.TLB.StaleIn(start, end) {
		g.staleSeen = append(g.staleSeen, staleSeen{r, by})
	}
	if g.CovEnd == g.CovStart {
		g.CovStart, g.CovEnd = start, end
		return
	}
	g.CovStart, g.CovEnd = min(g.CovStart, start), max(g.CovEnd, end)
}

func init() {
	fieldTable[TMMUGather] = map[string]func(k *Kernel, x any) Value{
		"mm":          func(_ *Kernel, x any) Value { return Obj(TMM, x.(*MMUGather).MM) },
		"force_break": func(_ *Kernel, x any) Value { return Bool(x.(*MMUGather).forceBreak) },
		"addr":        func(_ *Kernel, x any) Value { return Int(int64(x.(*MMUGather).addr)) },
	}
	fieldTypes[TMMUGather] = map[string]Type{"mm": TMM, "force_break": TBool, "addr": TInt}
	fieldDocs["mmu_gather.force_break"] = "zap_pte_range()'s force_break as the last zap_present_ptes() left it (not a field of struct mmu_gather: " +
		"a script function has no out-parameters): __tlb_remove_folio_pages() found the gather's batch full and tlb_next_batch() gave no other, " +
		"so the loop stopped at tlb.addr; zap_pte_range() flushes, drops the PTE lock and goes on from there (mm/memory.c)"
	fieldDocs["mmu_gather.addr"] = "zap_pte_range()'s addr after the last zap_present_ptes() (not a field of struct mmu_gather): the end it was given, " +
		"or the address past the entry that filled the batch (tlb.force_break)"
	fieldDocs["mmu_gather.mm"] = "tlb->mm, the mm the gather zaps"

	gatherSource := "mm/mmu_gather.c: tlb_finish_mmu(); include/linux/mm_inline.h"
	mmP := []Param{{Name: "mm", Type: TMM}}
	pending := func(name, notes, seq string, write bool, rules []*Rule, cites []Cite, fn func(c *Call, m *MM) Value) {
		defOp(&Op{Name: name, Params: mmP, Result: TBool,
			API: register(&API{Name: name, Section: "2.39", Hold: "nothing (an atomic_t of the mm)", Takes: "nothing", Sleeps: "no",
				Source: "include/linux/mm_inline.h: " + name + "()", Notes: notes, Rules: rules,
				Cites:    append(cites, cite("mm/mmu_gather.c", "__tlb_gather_mmu(), tlb_finish_mmu()", "none", readGather)),
				Sequence: seq}),
			// The checks' reads of the TLB, the page tables and the locks
			// are recorded where they run (unflushedChangeOf).
			Touches: func(c *Call, f *Footprint) { f.tlbFlushPending(mmArg(c, 0), write) },
			Fn:      func(c *Call) Result { return done(fn(c, c.mm(0))) }})
	}
	finishSeq := "if (mm_tlb_flush_nested(tlb->mm)) {\n\ttlb->fullmm = 1;\n\t__tlb_reset_range(tlb);\n\ttlb->freed_tables = 1;\n}\n" +
		"tlb_flush_mmu(tlb);\n...\ndec_tlb_flush_pending(tlb->mm);"
	pending("inc_tlb_flush_pending", "mm->tlb_flush_pending++: a gather (or change_protection's batched flush) of the mm begins; __tlb_gather_mmu() does it. "+
		"It must come before the PTE changes whose flush it defers: the PTL's release orders it for whoever sees them",
		"inc_tlb_flush_pending(mm);\nspin_lock(ptl);\n/* ... change PTEs ... */\nspin_unlock(ptl);\nflush_tlb_range(vma, start, end);\ndec_tlb_flush_pending(mm);",
		true, []*Rule{ruleIncAfterChange}, []Cite{cite("include/linux/mm_inline.h", "inc_tlb_flush_pending()", incPendingComment, readMMInline2026)},
		func(c *Call, m *MM) Value {
			// Only this thread's own changes made outside a pending
			// window of its own: the increment orders nobody else's.
			if ch, r, ok := unflushedChangeOf(c.K, m, c.T, false); ok {
				c.K.violate(c.T, ruleIncAfterChange, fmt.Sprintf("inc_tlb_flush_pending(%s) after a PTE change of this thread it should cover: the entry at %#x "+
					"was changed and its PTL released before the increment, so a thread that took that PTL in between saw the change without the "+
					"increment (mm_tlb_flush_pending() false unless another batch was pending) while CPU %d still translates through the old entry",
					m.Name, uint64(r.Addr), r.CPU), Related{ch.pos, "the entry was changed here"})
			}
			m.tlbFlushPending++
			c.T.flushRaises = append(c.T.flushRaises, flushRaise{mm: m, pos: c.T.Pos})
			return Bool(true)
		})
	pending("dec_tlb_flush_pending", "mm->tlb_flush_pending--: the flush it promised is done; tlb_finish_mmu() does it last, after tlb_flush_mmu()",
		finishSeq, true, []*Rule{ruleDecBeforeFlush}, []Cite{cite("include/linux/mm_inline.h", "dec_tlb_flush_pending(), inc_tlb_flush_pending()", decPendingComment, readMMInline2026)},
		func(c *Call, m *MM) Value {
			if m.tlbFlushPending > 0 {
				m.tlbFlushPending--
			}
			c.T.dropFlushRaise(m)
			// The changes this thread made in its own pending window,
			// once it has no raise left: another thread's unflushed
			// change is that thread's to flush before its own decrement.
			if !c.T.raisedFlush(m) {
				if ch, r, ok := unflushedChangeOf(c.K, m, c.T, true); ok {
					c.K.violate(c.T, ruleDecBeforeFlush, fmt.Sprintf("dec_tlb_flush_pending(%s) before the flush it announced: once the other batches end, "+
						"mm_tlb_flush_pending() reads false while CPU %d still translates %#x through an entry this thread changed (PTL released) and "+
						"did not flush", m.Name, r.CPU, uint64(r.Addr)), Related{ch.pos, "the entry was changed here"})
				}
			}
			return Bool(true)
		})
	pending("mm_tlb_flush_pending", "true while a gather or batched flush of the mm is under way (atomic_read(&mm->tlb_flush_pending) > 0); "+
		"read under the PTL of the entry it is about, which orders it after that PTL's last release",
		"spin_lock(ptl);\nif (mm_tlb_flush_pending(mm))\n\tflush_tlb_range(vma, start, end);\nspin_unlock(ptl);", false,
		[]*Rule{rulePendingNeedsPTL}, []Cite{cite("include/linux/mm_inline.h", "mm_tlb_flush_pending()", pendingNeedsPTLComment, readMMInline2026)},
		func(c *Call, m *MM) Value {
			if !holdsPTLOf(c.T, m) {
				c.K.violate(c.T, rulePendingNeedsPTL, fmt.Sprintf("mm_tlb_flush_pending(%s) read with no page-table lock of %s held: the read is ordered against "+
					"no PTL release, so a PTE change already visible may come with the increment not yet seen (false while a flush is pending)", m.Name, m.Name))
			}
			return Bool(m.tlbFlushPending > 0)
		})
	pending("mm_tlb_flush_nested", "true when two or more gathers of the mm are under way (atomic_read(&mm->tlb_flush_pending) > 1): another thread zaps "+
		"under a non-exclusive lock and may have deferred the flush of an entry this gather found none",
		finishSeq, false, nil, nil, func(_ *Call, m *MM) Value { return Bool(m.tlbFlushPending > 1) })

	defOp(&Op{Name: "tlb_flush_mmu", Params: []Param{{Name: "tlb", Type: TMMUGather}},
		API: register(&API{Name: "tlb_flush_mmu", Section: "2.39", Hold: "the lock of the zap, no PTL (it frees pages)", Takes: "the TLB flush IPIs",
			Sleeps: "yes (page freeing)", Asserts: "none", Source: gatherSource + "; mm/mmu_gather.c: tlb_flush_mmu(), tlb_flush_mmu_tlbonly(), tlb_batch_pages_flush()",
			Notes: "flushes the TLB over what the gather's zaps cleared, then drops the gathered pages' references (they may be freed now). " +
				"At that point no CPU may translate an address of the range the zaps walked through a stale entry (tlb/stale-after-zap)",
			Rules:    []*Rule{ruleStaleAfterZap, ruleSleepInAtomic},
			Cites:    []Cite{cite("mm/mmu_gather.c", "tlb_flush_mmu()", "none: tlb_flush_mmu_tlbonly(tlb); tlb_flush_mmu_free(tlb);", readGather)},
			Sequence: finishSeq}),
		// It flushes the TLB, drops the gathered pages' references (which
		// may free them), and checks the stale translations the zaps saw
		// against the entries now (TLB.IsStale reads their mappings); it
		// reads no other entry.
		Touches: tlbFlushMMUTouches,
		Fn: func(c *Call) Result {
			c.tlbFlushMMU(c.mmuGather(0))
			return ok
		}})
}

// tlbFlushMMUTouches is the footprint of tlb_flush_mmu() of the gather
// in c.Args[0]: it flushes the TLB, drops the gathered pages' references
// (which may free them), and checks the stale translations the zaps saw
// against the entries now (TLB.IsStale reads their mappings); it reads
// no other entry.
func tlbFlushMMUTouches(c *Call, f *Footprint) {
	g, ok := c.Args[0].Obj.(*MMUGather)
	if !ok {
		f.AllPages(true)
		f.Alloc()
		return
	}
	f.TLB(g.MM.Core, true)
	for _, r := range g.staleSeen {
		f.pteWalk(g.MM.Core, r.Addr, pteMapping)
	}
	for _, p := range g.pages {
		// A put that frees a large folio frees every page of it.
		pageFolioAll(p, f, true)
	}
	if len(g.pages) > 0 {
		f.Alloc()
	}
}

// tlbFlushMMU is tlb_flush_mmu(): tlb_flush_mmu_tlbonly(), then
// tlb_flush_mmu_free().
func (c *Call) tlbFlushMMU(g *MMUGather) {
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
	g.batch.pagesFlushed() // tlb_batch_pages_flush(): tlb->active = &tlb->local
	for _, r := range g.staleSeen {
		if m.Core.TLB.IsStale(r.CPU, r.Addr) {
			c.K.violate(c.T, ruleStaleAfterZap, fmt.Sprintf("tlb_flush_mmu: the %s of [%#x, %#x) is finished while CPU %d still translates %#x through "+
				"a stale entry: another thread had cleared or changed the entry without flushing it yet (a pending gather: mm_tlb_flush_nested) "+
				"when this %s found it, and this gather flushed only what it %s itself", r.By, uint64(g.CovStart), uint64(g.CovEnd), r.CPU, uint64(r.Addr),
				r.By, r.By.changed()))
			break
		}
	}
	g.staleSeen = nil
}
