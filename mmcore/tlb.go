package mmcore

import (
	"cmp"
	"slices"
	"sort"
)

// TLB models the translation caches of the CPUs an MM runs on. A CPU keeps
// a translation from the moment it walks the page tables until a flush
// reaches it, so a PTE that was zapped or changed without a flush can still
// be used through the TLB; Translate reports that as Stale, and as
// UseAfterFree when the page has been freed meanwhile. Flushes are
// broadcast to every CPU (flush_tlb_range / flush_tlb_mm), never lazy.
type TLB struct {
	mm   *MM
	cpus map[int]map[Addr]tlbEntry // CPU -> virtual page -> cached PTE
	// noted is the memory's change count (Memory.ptGen) at the last
	// TakeChanged.
	noted uint64
	// batched are the virtual pages whose entries a batched unmap
	// cleared (TLBFlushUnmapBatch.SetFlushPending) and that no flush of
	// every CPU has reached since: a CPU's cached translation of one is
	// stale by a flush that reclaim deferred to the end of its batch
	// (tlb_batch.go). The kernel keeps no such record (x86's batch is a
	// cpumask); it is how a check tells a batched unmap's stale entries
	// from those of an mmu_gather whose flush is pending.
	batched map[Addr]struct{}
}

// ptChanged marks a change of m's page tables: an entry written (but for
// the accessed and dirty bits, which no staleness depends on), a table
// linked, unlinked or moved. Every writer of an entry's present bit,
// frame or write permission calls it before the write.
func (m *MM) ptChanged() { m.mem.ptGen++ }

// TakeChanged reports whether a translation of the MM may have become
// stale or current, or a stale one's page-table entry may have been
// rewritten, since the last call: whether any page-table entry of the
// memory changed (present bit, frame, write permission) or any CPU's
// TLB was filled or flushed meanwhile. It clears the mark. A caller that
// rescans the stale translations after every step (the lock checker's
// record of who changed an entry that a CPU still caches) skips the scan
// when nothing changed: StaleIn and the entries it reads are then what
// they were.
func (t *TLB) TakeChanged() bool {
	g := t.mm.mem.ptGen
	if g == t.noted {
		return false
	}
	t.noted = g
	return true
}

type tlbEntry struct {
	pte  PTE
	page *Page
	gen  uint64
}

func newTLB(m *MM) *TLB { return &TLB{mm: m, cpus: map[int]map[Addr]tlbEntry{}} }

// Translation is the result of a TLB lookup.
type Translation struct {
	Addr Addr
	// PTE is the translation used: the cached one on a hit.
	PTE PTE
	PFN PFN
	// Page is the page the translation points to (nil for a PFN without a
	// struct page).
	Page *Page
	// Hit reports that the CPU's TLB supplied the translation.
	Hit bool
	// Stale reports that the cached translation no longer matches the page
	// tables (the entry was cleared, points elsewhere, or lost write
	// permission): a flush was missing.
	Stale bool
	// UseAfterFree reports that the translation reaches a page that was
	// freed (or freed and reallocated) since it was cached.
	UseAfterFree bool
	// LostWrite reports a store through a stale, writable and dirty
	// cached translation to a page-cache page whose folio is clean: the
	// page's contents changed after writeback cleaned it (or after
	// folio_mkclean() and the dirty flag's clearing), with no dirty page
	// table entry or folio flag left to say so, so writeback never writes
	// them and reclaim may drop them. A cached entry that is dirty lets
	// the store through without a page walk (x86 walks only to set the
	// dirty bit), so a flush is the only thing that stops it.
	LostWrite bool
}

// Translate returns the translation CPU cpu would use for addr: its TLB
// entry if it has one, else the result of a page-table walk, which it then
// caches (setting the PTE's accessed bit, as the hardware walker does).
// ok is false when neither yields a present translation, i.e. the access
// faults.
func (t *TLB) Translate(cpu int, addr Addr) (tr Translation, ok bool) {
	return t.lookup(cpu, addr, false)
}

// TranslateWrite is Translate for a store: a cached or walked translation
// that is not writable faults (ok false), and a successful store through a
// current PTE sets its dirty bit.
func (t *TLB) TranslateWrite(cpu int, addr Addr) (tr Translation, ok bool) {
	return t.lookup(cpu, addr, true)
}

func (t *TLB) lookup(cpu int, addr Addr, write bool) (Translation, bool) {
	va := addr & PageMask
	tr := Translation{Addr: addr}
	if e, hit := t.cpus[cpu][va]; hit {
		tr.Hit, tr.PTE, tr.PFN, tr.Page = true, e.pte, e.pte.PFN(), e.page
		w := t.mm.Walk(va)
		cur := w.Entry
		tr.Stale = StaleTranslation(e.pte, cur)
		// a reused PFN is harmless only if the PTE maps it here again
		tr.UseAfterFree = e.page != nil && (e.page.freed || (e.page.gen != e.gen && tr.Stale))
		if write && !e.pte.Writable() {
			return tr, false
		}
		if write && !tr.Stale {
			t.markDirty(w)
		}
		if write && tr.Stale && e.pte.Dirty() && e.page != nil && !e.page.freed && e.page.Folio().mapping != nil && !e.page.folioDirty() {
			tr.LostWrite = true
		}
		return tr, true
	}
	w := t.mm.Walk(va)
	if !w.Present() || !w.Entry.Accessible() || (write && !w.Entry.Writable()) {
		return tr, false
	}
	var pte PTE
	if w.Huge() {
		// a PMD-mapped THP: the walker sets the PMD's accessed bit and
		// the TLB caches the 4 KiB piece it used
		pt := w.Tables[LevelPMD]
		pt.huge[pt.Index(va)] |= PTEAccessed
		if write {
			t.markDirty(w)
		}
		pte = w.Entry | PTEAccessed
		if write {
			pte |= PTEDirty
		}
	} else {
		pt := w.Tables[LevelPTE]
		i := pt.Index(va)
		pt.ptes[i] |= PTEAccessed
		if write {
			t.markDirty(w)
		}
		pte = pt.ptes[i]
	}
	e := tlbEntry{pte: pte, page: t.mm.mem.Page(pte.PFN())}
	if e.page != nil {
		e.gen = e.page.gen
	}
	c := t.cpus[cpu]
	if c == nil {
		c = map[Addr]tlbEntry{}
		t.cpus[cpu] = c
	}
	t.mm.ptChanged()
	c[va] = e
	tr.PTE, tr.PFN, tr.Page = pte, pte.PFN(), e.page
	return tr, true
}

func (t *TLB) markDirty(w Walk) {
	if w.Huge() {
		pt := w.Tables[LevelPMD]
		i := pt.Index(w.Addr)
		pt.huge[i] |= PTEDirty | PTEAccessed
		if f := t.mm.hugeFolio(pt.huge[i]); f != nil {
			f.dirty = true
			f.subpage(int(w.Addr>>PageShift) & (HPAGE_PMD_NR - 1)).data = true
		}
		return
	}
	if w.Depth != LevelPTE {
		return
	}
	pt := w.Tables[LevelPTE]
	i := pt.Index(w.Addr)
	pt.ptes[i] |= PTEDirty | PTEAccessed
	if p := t.mm.accountedPage(pt.ptes[i]); p != nil {
		p.dirty = true
		p.data = true
	}
}

// Cached reports whether CPU cpu holds a translation for addr.
func (t *TLB) Cached(cpu int, addr Addr) bool {
	_, ok := t.cpus[cpu][addr&PageMask]
	return ok
}

// CachedEntry returns CPU cpu's translation for addr, the cached entry
// and the page it reaches (nil for a PFN without a struct page), and
// whether it holds one: what a lookup through the TLB reads, without the
// lookup's fills.
func (t *TLB) CachedEntry(cpu int, addr Addr) (PTE, *Page, bool) {
	e, ok := t.cpus[cpu][addr&PageMask]
	return e.pte, e.page, ok
}

// Empty reports whether no CPU holds a translation of the MM: then no
// translation can be stale, and callers skip their scans.
func (t *TLB) Empty() bool {
	for _, c := range t.cpus {
		if len(c) > 0 {
			return false
		}
	}
	return true
}

// All calls f with every cached translation: the CPU, the virtual page
// and the cached entry, in no particular order.
func (t *TLB) All(f func(cpu int, va Addr, pte PTE)) {
	for c, m := range t.cpus {
		for va, e := range m {
			f(c, va, e.pte)
		}
	}
}

// CPUs lists the CPUs holding translations, in ascending order.
func (t *TLB) CPUs() []int {
	var out []int
	for c, m := range t.cpus {
		if len(m) > 0 {
			out = append(out, c)
		}
	}
	sort.Ints(out)
	return out
}

// FlushRange invalidates every CPU's translations for [start, end)
// (flush_tlb_range).
func (t *TLB) FlushRange(start, end Addr) {
	t.mm.ptChanged()
	start &= PageMask
	for _, c := range t.cpus {
		if uint64(end-start)>>PageShift > uint64(len(c)) {
			for va := range c {
				if va >= start && va < end {
					delete(c, va)
				}
			}
			continue
		}
		// va >= start: a range ending in the last page of the address
		// space wraps va to 0 (flush_tlb_range(vma, -4096, 3) looped
		// for ever; found by FuzzOps).
		for va := start; va < end && va >= start; va += PageSize {
			delete(c, va)
		}
	}
	for va := range t.batched {
		if va >= start && va < end {
			delete(t.batched, va)
		}
	}
}

// StaleRef names one cached translation: the CPU and the virtual page.
type StaleRef struct {
	CPU  int
	Addr Addr
}

// StaleIn returns the translations of [start, end) that no longer match
// the page tables (the entry was cleared, points elsewhere, or lost write
// permission), by CPU and then address.
func (t *TLB) StaleIn(start, end Addr) []StaleRef {
	return t.AppendStaleIn(nil, start, end)
}

// AppendStaleIn is StaleIn appending to buf, for a caller that scans
// after every step and keeps one buffer.
func (t *TLB) AppendStaleIn(buf []StaleRef, start, end Addr) []StaleRef {
	out := buf
	for c, entries := range t.cpus {
		for va := range entries {
			if va >= start && va < end && t.IsStale(c, va) {
				out = append(out, StaleRef{c, va})
			}
		}
	}
	slices.SortFunc(out[len(buf):], func(a, b StaleRef) int {
		if a.CPU != b.CPU {
			return cmp.Compare(a.CPU, b.CPU)
		}
		return cmp.Compare(a.Addr, b.Addr)
	})
	return out
}

// IsStale reports whether CPU cpu caches a translation of va that no
// longer matches the page tables: the entry is gone or no longer
// accessible (a PROT_NONE entry stays pte_present but the hardware walk
// faults on it: x86 clears _PAGE_PRESENT), maps another frame, or lost
// the write permission the cached one has.
func (t *TLB) IsStale(cpu int, va Addr) bool {
	e, ok := t.cpus[cpu][va&PageMask]
	if !ok {
		return false
	}
	return StaleTranslation(e.pte, t.mm.Walk(va&PageMask).Entry)
}

// StaleTranslation is the staleness rule: whether rewriting a page-table
// entry from into to leaves a CPU that translated through from with a
// stale translation: the page is gone, no longer accessible (PROT_NONE:
// pte_present, but the hardware walk faults on it, as x86 clears
// _PAGE_PRESENT), another frame, or lost the write permission. An entry
// filled where there was none, a read-only one made writable (x86's
// spurious-fault path, flush_tlb_fix_spurious_fault(), covers the old
// read-only translation: mm/memory.c wp_page_reuse() makes the entry
// writable with no flush) and accessed or dirty bits stale nothing.
//
// IsStale applies it to a cached entry, which is always accessible (the
// walk caches no other). A lock checker measuring each rewrite from the
// last one it recorded (runtime NoteChanges) also meets a PROT_NONE from,
// which no CPU caches: the translation a CPU still caches is from before
// it, so clearing or remapping the PROT_NONE entry is another change
// (present, another frame), and so is losing a write bit, while making it
// accessible again is not.
func StaleTranslation(from, to PTE) bool {
	return from.Present() && (!to.Present() || from.Accessible() && !to.Accessible() || to.PFN() != from.PFN() || from.Writable() && !to.Writable())
}

// FlushAll invalidates every translation of the MM on every CPU
// (flush_tlb_mm).
func (t *TLB) FlushAll() {
	t.mm.ptChanged()
	for c := range t.cpus {
		delete(t.cpus, c)
	}
	clear(t.batched)
}

// FlushCPU invalidates one CPU's translations (a context switch to another
// mm without PCID, or a local flush).
func (t *TLB) FlushCPU(cpu int) {
	t.mm.ptChanged()
	delete(t.cpus, cpu)
}

// FlushPage invalidates CPU cpu's translation of addr only. x86 does this
// for the faulting address when it raises a page fault, so the access
// retried after the fault walks the page tables again.
func (t *TLB) FlushPage(cpu int, addr Addr) {
	t.mm.ptChanged()
	delete(t.cpus[cpu], addr&PageMask)
}
