package mmcore

import (
	"errors"
	"slices"
)

// madvise(2) as mm/madvise.c has it: the advice either changes VMA flags
// (split and merge exactly like mprotect: madvise_update_vma →
// vma_modify_flags) or acts on the pages of the range through the page
// tables (zap, populate, page-cache hole punch, guard markers).

// Advice is madvise's advice argument.
type Advice int

// MADV_* values (include/uapi/asm-generic/mman-common.h).
const (
	MADV_NORMAL          Advice = 0
	MADV_RANDOM          Advice = 1
	MADV_SEQUENTIAL      Advice = 2
	MADV_WILLNEED        Advice = 3
	MADV_DONTNEED        Advice = 4
	MADV_FREE            Advice = 8
	MADV_REMOVE          Advice = 9
	MADV_DONTFORK        Advice = 10
	MADV_DOFORK          Advice = 11
	MADV_MERGEABLE       Advice = 12
	MADV_UNMERGEABLE     Advice = 13
	MADV_HUGEPAGE        Advice = 14
	MADV_NOHUGEPAGE      Advice = 15
	MADV_DONTDUMP        Advice = 16
	MADV_DODUMP          Advice = 17
	MADV_WIPEONFORK      Advice = 18
	MADV_KEEPONFORK      Advice = 19
	MADV_COLD            Advice = 20
	MADV_PAGEOUT         Advice = 21
	MADV_POPULATE_READ   Advice = 22
	MADV_POPULATE_WRITE  Advice = 23
	MADV_DONTNEED_LOCKED Advice = 24
	MADV_COLLAPSE        Advice = 25
	MADV_GUARD_INSTALL   Advice = 102
	MADV_GUARD_REMOVE    Advice = 103
)

var adviceNames = map[Advice]string{
	MADV_NORMAL: "MADV_NORMAL", MADV_RANDOM: "MADV_RANDOM", MADV_SEQUENTIAL: "MADV_SEQUENTIAL",
	MADV_WILLNEED: "MADV_WILLNEED", MADV_DONTNEED: "MADV_DONTNEED", MADV_FREE: "MADV_FREE",
	MADV_REMOVE: "MADV_REMOVE", MADV_DONTFORK: "MADV_DONTFORK", MADV_DOFORK: "MADV_DOFORK",
	MADV_MERGEABLE: "MADV_MERGEABLE", MADV_UNMERGEABLE: "MADV_UNMERGEABLE",
	MADV_HUGEPAGE: "MADV_HUGEPAGE", MADV_NOHUGEPAGE: "MADV_NOHUGEPAGE",
	MADV_DONTDUMP: "MADV_DONTDUMP", MADV_DODUMP: "MADV_DODUMP",
	MADV_WIPEONFORK: "MADV_WIPEONFORK", MADV_KEEPONFORK: "MADV_KEEPONFORK",
	MADV_COLD: "MADV_COLD", MADV_PAGEOUT: "MADV_PAGEOUT",
	MADV_POPULATE_READ: "MADV_POPULATE_READ", MADV_POPULATE_WRITE: "MADV_POPULATE_WRITE",
	MADV_DONTNEED_LOCKED: "MADV_DONTNEED_LOCKED", MADV_COLLAPSE: "MADV_COLLAPSE",
	MADV_GUARD_INSTALL: "MADV_GUARD_INSTALL", MADV_GUARD_REMOVE: "MADV_GUARD_REMOVE",
}

func (a Advice) String() string {
	if s, ok := adviceNames[a]; ok {
		return s
	}
	return "madvise(" + hex(uint64(a)) + ")"
}

// madviseBehaviorValid is madvise_behavior_valid for an x86-64 6.18 build
// with KSM and THP (MADV_HWPOISON/SOFT_OFFLINE, which need
// CAP_SYS_ADMIN, are not modelled and count as invalid).
func madviseBehaviorValid(a Advice) bool {
	_, ok := adviceNames[a]
	return ok
}

// Madvise is madvise(2). Flag-changing advice (NORMAL, RANDOM,
// SEQUENTIAL, DONTFORK, DOFORK, WIPEONFORK, KEEPONFORK, DONTDUMP, DODUMP,
// HUGEPAGE, NOHUGEPAGE, MERGEABLE, UNMERGEABLE) splits and merges VMAs like
// mprotect. DONTNEED/DONTNEED_LOCKED zap the range; FREE marks private
// anonymous pages clean (with no swap they stay mapped until reclaim, as
// observed); REMOVE punches a hole in a shared writable file's page cache
// and unmaps it everywhere; WILLNEED reads file pages into the page cache;
// COLD and PAGEOUT change no residency without swap; POPULATE_READ/WRITE
// fault the range in; GUARD_INSTALL/GUARD_REMOVE install and remove guard
// markers; COLLAPSE is MadviseCollapse (thp.go).
//
// Errors (madvise_walk_vmas and the behaviours): EINVAL for unknown
// advice, an unaligned start or a length that wraps; ENOMEM when the range
// has a hole (after applying the advice to every mapped piece, as
// observed on 6.18); EINVAL/EACCES from a behaviour that refuses a VMA
// (then the walk stops there: earlier VMAs keep the change); EFAULT for a
// populate that faults with SIGSEGV/SIGBUS.
func (m *MM) Madvise(start Addr, length uint64, advice Advice) error {
	const op = "do_madvise"
	if !madviseBehaviorValid(advice) {
		return errf(op, EINVAL, "unknown advice "+advice.String())
	}
	if !start.PageAligned() {
		return errf(op, EINVAL, "start not page aligned")
	}
	l := (length + PageSize - 1) &^ (PageSize - 1)
	if length != 0 && l == 0 {
		return errf(op, EINVAL, "length rounds up to zero")
	}
	end := start + Addr(l)
	if end < start {
		return errf(op, EINVAL, "range wraps")
	}
	if end == start {
		return nil
	}
	if advice == MADV_POPULATE_READ || advice == MADV_POPULATE_WRITE {
		return m.madvisePopulate(start, end, advice == MADV_POPULATE_WRITE)
	}
	return m.madviseWalkVMAs(start, end, advice)
}

// madviseWalkVMAs applies advice to each VMA piece of [start, end)
// (madvise_walk_vmas): a hole is remembered and reported as ENOMEM at
// the end; a behaviour's error stops the walk at once.
func (m *MM) madviseWalkVMAs(start, end Addr, advice Advice) error {
	var unmapped error
	vma, prev := m.FindVMAPrev(start)
	if vma != nil && start > vma.start {
		prev = vma
	}
	for {
		if vma == nil {
			return errf("madvise_walk_vmas", ENOMEM, "range extends beyond the last VMA")
		}
		if start < vma.start {
			unmapped = errf("madvise_walk_vmas", ENOMEM, "hole at "+start.String())
			start = vma.start
			if start >= end {
				break
			}
		}
		tmp := min(vma.end, end)
		np, err := m.madviseVMABehavior(vma, prev, start, tmp, advice)
		if err != nil {
			return err
		}
		prev = np
		start = tmp
		if prev != nil && start < prev.end {
			start = prev.end
		}
		if start >= end {
			break
		}
		if prev != nil {
			vma = m.FindVMA(prev.end)
		} else {
			vma = m.FindVMA(start)
		}
	}
	return unmapped
}

// madviseVMABehavior is madvise_vma_behavior for [start, end) inside v; it
// returns the VMA to use as prev for the next piece.
func (m *MM) madviseVMABehavior(v, prev *VMA, start, end Addr, advice Advice) (*VMA, error) {
	const op = "madvise_vma_behavior"
	nf := v.Flags
	switch advice {
	case MADV_REMOVE:
		return nil, m.madviseRemove(v, start, end)
	case MADV_WILLNEED:
		return v, m.madviseWillneed(v, start, end)
	case MADV_COLD, MADV_PAGEOUT:
		if v.Flags&(VM_LOCKED|VM_PFNMAP|VM_HUGETLB) != 0 { // can_madv_lru_vma
			return nil, errf(op, EINVAL, advice.String()+" on a locked, PFN or hugetlb VMA")
		}
		kind := loopCold
		if advice == MADV_PAGEOUT {
			kind = loopPageout
		}
		if lo, hi := m.madviseWalk(v, start, end, kind); hi > lo {
			m.TLB.FlushRange(lo, hi) // madvise_cold()'s tlb_finish_mmu()
		}
		if advice == MADV_PAGEOUT {
			m.madvisePageout(v, start, end)
		}
		return v, nil
	case MADV_FREE, MADV_DONTNEED, MADV_DONTNEED_LOCKED:
		return v, m.madviseDontneedFree(v, start, end, advice)
	case MADV_NORMAL:
		nf &^= VM_RAND_READ | VM_SEQ_READ
	case MADV_SEQUENTIAL:
		nf = nf&^VM_RAND_READ | VM_SEQ_READ
	case MADV_RANDOM:
		nf = nf&^VM_SEQ_READ | VM_RAND_READ
	case MADV_DONTFORK:
		nf |= VM_DONTCOPY
	case MADV_DOFORK:
		if nf&VM_IO != 0 {
			return nil, errf(op, EINVAL, "MADV_DOFORK on a VM_IO VMA")
		}
		nf &^= VM_DONTCOPY
	case MADV_WIPEONFORK:
		if v.file != nil || nf&VM_SHARED != 0 {
			return nil, errf(op, EINVAL, "MADV_WIPEONFORK on a file or shared VMA")
		}
		nf |= VM_WIPEONFORK
	case MADV_KEEPONFORK:
		if nf&VM_DROPPABLE != 0 {
			return nil, errf(op, EINVAL, "MADV_KEEPONFORK on a droppable VMA")
		}
		nf &^= VM_WIPEONFORK
	case MADV_DONTDUMP:
		nf |= VM_DONTDUMP
	case MADV_DODUMP:
		if nf&VM_SPECIAL != 0 || nf&VM_DROPPABLE != 0 {
			return nil, errf(op, EINVAL, "MADV_DODUMP on a special VMA")
		}
		nf &^= VM_DONTDUMP
	case MADV_MERGEABLE:
		// ksm_madvise: these VMAs are never KSM candidates, silently
		if nf&(VM_MERGEABLE|VM_SHARED|VM_MAYSHARE|VM_PFNMAP|VM_IO|VM_DONTEXPAND|VM_HUGETLB|VM_MIXEDMAP|VM_DROPPABLE) == 0 {
			nf |= VM_MERGEABLE
		}
	case MADV_UNMERGEABLE:
		nf &^= VM_MERGEABLE
	case MADV_HUGEPAGE:
		nf = nf&^VM_NOHUGEPAGE | VM_HUGEPAGE // hugepage_madvise
	case MADV_NOHUGEPAGE:
		nf = nf&^VM_HUGEPAGE | VM_NOHUGEPAGE
	case MADV_COLLAPSE:
		return v, m.MadviseCollapse(v, start, end)
	case MADV_GUARD_INSTALL:
		return v, m.madviseGuardInstall(v, start, end)
	case MADV_GUARD_REMOVE:
		return v, m.madviseGuardRemove(v, start, end)
	}
	return m.madviseUpdateVMA(v, prev, start, end, nf)
}

// madviseUpdateVMA gives [start, end) of v the flags nf
// (madvise_update_vma): nothing when they are unchanged, else
// VMAModifyFlags (merge or split).
func (m *MM) madviseUpdateVMA(v, prev *VMA, start, end Addr, nf VMFlags) (*VMA, error) {
	if nf == v.Flags {
		return v, nil
	}
	return m.VMAModifyFlags(prev, v, start, end, nf)
}

// madviseDontneedFree: DONTNEED zaps the range (zap_page_range_single),
// keeping guard markers; FREE (private anonymous only) marks the anonymous
// pages mapped only here clean and old, which on a machine without swap
// leaves them mapped until reclaim.
func (m *MM) madviseDontneedFree(v *VMA, start, end Addr, advice Advice) error {
	const op = "madvise_dontneed_free"
	forbidden := VM_PFNMAP
	if advice != MADV_DONTNEED_LOCKED {
		forbidden |= VM_LOCKED
	}
	if v.Flags&forbidden != 0 {
		return errf(op, EINVAL, advice.String()+" on a locked or PFN-mapped VMA")
	}
	if advice == MADV_FREE {
		if !v.Anonymous() {
			return errf(op, EINVAL, "MADV_FREE on a non-anonymous VMA")
		}
		m.madviseWalk(v, start, end, loopFree)
		m.TLB.FlushRange(start, end)
		return nil
	}
	m.zapKeepGuards(v, start, end)
	m.TLB.FlushRange(start, end)
	m.reclaimEmptyPTETables(max(start, v.start), min(end, v.end)) // zap with details->reclaim_pt
	return nil
}

// MadviseDontneedFreeGathered is madvise_dontneed_free() for [start, end)
// inside v as the kernel path runs it, inside an mmu_gather: the entries
// are cleared (DONTNEED) or cleaned (FREE) as by madviseDontneedFree, but
// the TLB is not flushed here: zap_pte_range() and
// madvise_free_pte_range() only add each changed present entry to the
// gather (tlb_remove_tlb_entry), and tlb_finish_mmu() flushes after the
// PTE lock is dropped. It returns the span [lo, hi) of the present entries
// it changed (lo == hi: none) and, for DONTNEED, the folios they mapped,
// each with a reference taken for the gather: the mapping's reference
// that tlb_remove_page() hands over and tlb_batch_pages_flush() drops
// after the flush, so a CPU still translating through the old entry
// reaches a live page until then. Huge PMDs are zapped and flushed at
// once (zap_huge_pmd's deferral is not modelled).
func (m *MM) MadviseDontneedFreeGathered(v *VMA, start, end Addr, advice Advice) (lo, hi Addr, folios []*Page, err error) {
	const op = "madvise_dontneed_free"
	forbidden := VM_PFNMAP
	if advice != MADV_DONTNEED_LOCKED {
		forbidden |= VM_LOCKED
	}
	if v.Flags&forbidden != 0 {
		return 0, 0, nil, errf(op, EINVAL, advice.String()+" on a locked or PFN-mapped VMA")
	}
	if advice == MADV_FREE && !v.Anonymous() {
		return 0, 0, nil, errf(op, EINVAL, "MADV_FREE on a non-anonymous VMA")
	}
	start, end = max(start&PageMask, v.start), min(end, v.end)
	span := func(a Addr) {
		if lo == hi {
			lo, hi = a, a+PageSize
			return
		}
		lo, hi = min(lo, a), max(hi, a+PageSize)
	}
	if advice == MADV_FREE {
		lo, hi = m.madviseWalk(v, start, end, loopFree)
		return lo, hi, nil, nil
	}
	seen := map[*Page]bool{}
	m.forEachPTE(start, end, func(t *PageTable, i int, e PTE) {
		if !e.Present() {
			return
		}
		span(t.base + Addr(i)<<t.shift)
		if p := m.mem.Page(e.PFN()); p != nil && !p.zero && !p.freed {
			if f := p.Folio(); !seen[f] && f.Get() == nil {
				seen[f] = true
				folios = append(folios, f)
			}
		}
	})
	m.zapKeepGuards(v, start, end)
	m.reclaimEmptyPTETables(start, end)
	return lo, hi, folios, nil
}

// madvisePageout reclaims the pages of [start, end) mapped only here
// (madvise_cold_or_pageout_pte_range + reclaim_pages): with no swap an
// anonymous page cannot be written out and stays mapped, while a page-cache
// or shmem page is unmapped by try_to_unmap; a dirty one then stays in the
// page cache (a tmpfs page cannot be written out either), a clean one (a
// shmem page only ever read) is freed (shrink_folio_list). A large folio
// counts only when the range maps all of it with consecutive PTEs and
// nothing else maps it (folio_mapcount == folio_nr_pages); one mapped in
// part would be split first, which fails for a dirty ext4 folio (observed),
// so it is left alone (the walk split what it could: madviseWalk, or the
// kernel library's split_folio steps). A PMD-mapped file folio the range covers
// whole is unmapped likewise. MADV_COLD only moves pages between LRU
// lists, which changes nothing mmcore shows.
func (m *MM) madvisePageout(v *VMA, start, end Addr) {
	start, end = max(start, v.start), min(end, v.end)
	m.forEachHugePMD(start, end, func(t *PageTable, i int, h Addr) {
		// the PMD case checks only folio_maybe_mapped_shared; reclaim's
		// try_to_unmap then unmaps every mapping of the folio
		f := m.hugeFolio(t.huge[i])
		if f == nil || f.anon || h < start || h+PMD_SIZE > end || fileFolioMappedByOthers(m, f) || m.folioTrylockFails(f) {
			return
		}
		unmapFileRange(f.mapping, f.index, f.index+uint64(1)<<f.order-1, f)
	})
	for a := start; a < end; {
		w := m.Walk(a)
		if w.Depth != LevelPTE {
			a = w.skip()
			continue
		}
		p := m.accountedPage(w.Entry)
		if !w.Entry.Present() || p == nil || p.anon {
			a += PageSize
			continue
		}
		f := p.Folio()
		nr := 1 << f.order
		if m.folioTrylockFails(f) { // shrink_folio_list(): if (!folio_trylock(folio)) goto keep;
			a += PageSize
			continue
		}
		if nr > 1 {
			n := folioPTEBatch(m, a, end, p)
			if p != f || n < nr || folioPTEMapcount(f)+int(f.entireMapcount)*nr != nr {
				a += Addr(n) << PageShift
				continue
			}
		} else if p.mapcount != 1 {
			a += PageSize
			continue
		}
		t := w.Tables[LevelPTE]
		for k := 0; k < nr; k++ {
			m.setEntry(t, t.Index(a)+k, 0) // the PTE's dirty bit moves to the page
		}
		m.TLB.FlushRange(a, a+Addr(nr)<<PageShift)
		if as := f.mapping; as != nil && nr == 1 && !f.dirty && f.refcount == 1 {
			as.RemovePage(f.index) // a clean page is simply freed
		}
		a += Addr(nr) << PageShift
	}
}

// fileFolioMappedByOthers is folio_maybe_mapped_shared for page cache
// folio f: an mm other than m maps one of its pages.
func fileFolioMappedByOthers(m *MM, f *Page) bool {
	last := f.index + uint64(1)<<f.order - 1
	for w := range f.mapping.IMmap(f.index, last) {
		if w.mm == m {
			continue
		}
		s := w.start + Addr(max(f.index, w.pgoff)-w.pgoff)<<PageShift
		e := w.start + Addr(min(last+1, w.pgoff+w.Pages())-w.pgoff)<<PageShift
		for a := s; a < e; a += PageSize {
			if wk := w.mm.Walk(a); wk.Present() && wk.Entry.PFN() >= f.PFN && wk.Entry.PFN() < f.PFN+PFN(1)<<f.order {
				return true
			}
		}
	}
	return false
}

// folioPTEBatch is madvise_folio_pte_batch: how many consecutive PTEs from
// addr, below end and in one PTE table, map consecutive pages of p's
// folio starting with p.
func folioPTEBatch(m *MM, addr, end Addr, p *Page) int {
	f := p.Folio()
	n, next := 1, p.PFN+1
	for b := addr + PageSize; b < end && next < f.PFN+PFN(1<<f.order); b += PageSize {
		wb := m.Walk(b)
		if !wb.Present() || wb.Huge() || wb.Entry.PFN() != next {
			break
		}
		n++
		next++
	}
	return n
}

// zapKeepGuards zaps [start, end) of v except guard markers (zap with
// details that keep markers, as MADV_DONTNEED does).
func (m *MM) zapKeepGuards(v *VMA, start, end Addr) {
	m.zapHugePMDs(max(start, v.start), min(end, v.end)) // zap_pmd_range's huge case
	m.forEachPTE(max(start, v.start), min(end, v.end), func(t *PageTable, i int, e PTE) {
		if !e.GuardMarker() {
			m.setEntry(t, i, 0)
		}
	})
}

// forEachPTE calls f for every non-empty PTE in [start, end).
func (m *MM) forEachPTE(start, end Addr, f func(t *PageTable, i int, e PTE)) {
	for addr := start & PageMask; addr < end; {
		w := m.Walk(addr)
		if w.Depth != LevelPTE {
			if w.Depth == LevelNone {
				return
			}
			t := w.Tables[w.Depth]
			span := Addr(1) << t.shift
			addr = (addr &^ (span - 1)) + span
			continue
		}
		t := w.Tables[LevelPTE]
		tend := min(t.End(), end)
		for a := addr; a < tend; a += PageSize {
			i := t.Index(a)
			if e := t.ptes[i]; e != 0 {
				f(t, i, e)
			}
		}
		addr = tend
	}
}

// madviseRemove punches a hole in a shared writable file mapping's page
// cache (madvise_remove → vfs_fallocate(PUNCH_HOLE)): every VMA of the file
// loses its PTEs for those pages (unmap_mapping_range without even_cows:
// private COW copies stay), and the folios wholly inside the hole leave
// the cache (truncate_inode_pages_range). A large folio the hole covers
// only in part stays cached and large, zeroed there, but unmapped from
// every VMA (truncate_inode_partial_folio: try_folio_split unmaps the
// folio and, for a freshly written ext4 folio, fails; a file folio is not
// remapped after a failed split; observed on 6.18.44).
func (m *MM) madviseRemove(v *VMA, start, end Addr) error {
	const op = "madvise_remove"
	switch {
	case v.Flags&VM_LOCKED != 0:
		return errf(op, EINVAL, "MADV_REMOVE on a locked VMA")
	case v.file == nil:
		return errf(op, EINVAL, "MADV_REMOVE on anonymous memory")
	case v.Flags&(VM_SHARED|VM_MAYWRITE) != VM_SHARED|VM_MAYWRITE:
		return errf(op, EACCES, "MADV_REMOVE needs a shared writable mapping")
	}
	v.file.PunchHole(v.PgoffOf(start), v.PgoffOf(end-PageSize))
	return nil
}

// PunchHole punches a hole over page cache pages [first, last] of f, as
// vfs_fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) does for
// madvise_remove() (shmem_fallocate(): unmap_mapping_range() and
// shmem_truncate_range()), after the caller dropped the mmap lock: every
// VMA of the file loses its PTEs for those pages and the folios wholly
// inside the hole leave the cache (see madviseRemove).
func (f *File) PunchHole(first, last uint64) {
	as := f.mapping
	unmapFileRange(as, first, last, nil)
	// shmem folios the hole covers in part are split
	// (truncate_inode_partial_folio): the one holding the hole's first
	// page at that page, the one holding its last page at its own first
	// page, and each then again at the page after the hole when that lies
	// inside it, so that the hole is made of whole folios
	if as.shmem {
		split := func(idx uint64) {
			if p := as.pages[idx]; p != nil && p.Folio().order > 0 {
				splitShmemFolio(p.Folio(), int(idx-p.Folio().index))
			}
		}
		partial := func(idx uint64) (from, end uint64, ok bool) {
			p := as.pages[idx]
			if p == nil || p.Folio().order == 0 {
				return 0, 0, false
			}
			f := p.Folio()
			end = f.index + uint64(1)<<f.order - 1
			return f.index, end, f.index < first || end > last
		}
		if _, fend, ok := partial(first); ok {
			split(first)
			if last+1 <= fend {
				split(last + 1)
			}
		}
		if gstart, gend, ok := partial(last); ok && gstart > first {
			split(gstart)
			if last+1 <= gend {
				split(last + 1)
			}
		}
	}
	var partial []*Page
	for _, idx := range as.cachedIn(first, last) {
		p := as.pages[idx]
		if p == nil {
			continue
		}
		f := p.Folio()
		if n := uint64(1) << f.order; n > 1 && (f.index < first || f.index+n-1 > last) {
			if len(partial) == 0 || partial[len(partial)-1] != f {
				partial = append(partial, f)
			}
			continue
		}
		as.RemovePage(idx)
	}
	for _, f := range partial {
		unmapFileRange(as, f.index, f.index+uint64(1)<<f.order-1, f)
	}
}

// cachedIn returns the indexes in [first, last] that hold a page, in
// order: what shmem_undo_range()'s find_lock_entries() batches visit,
// the pages present rather than every index of a range that may span
// the whole file offset space.
func (as *AddressSpace) cachedIn(first, last uint64) []uint64 {
	var idxs []uint64
	for idx, p := range as.pages {
		if p != nil && idx >= first && idx <= last {
			idxs = append(idxs, idx)
		}
	}
	slices.Sort(idxs)
	return idxs
}

// unmapFileRange zaps, in every VMA mapping file pages [first, last] of
// as, the entries that map page cache pages of as (of folio only, if not
// nil), PMD mappings included; anonymous COW copies stay.
func unmapFileRange(as *AddressSpace, first, last uint64, folio *Page) {
	var vmas []*VMA
	for w := range as.IMmap(first, last) {
		vmas = append(vmas, w)
	}
	for _, w := range vmas {
		s := w.start + Addr(max(first, w.pgoff)-w.pgoff)<<PageShift
		e := w.start + Addr(min(last+1, w.pgoff+w.Pages())-w.pgoff)<<PageShift
		w.mm.zapHugePMDs(s, e)
		w.mm.forEachPTE(s, e, func(t *PageTable, i int, pte PTE) {
			if p := w.mm.accountedPage(pte); p != nil && p.mapping == as && (folio == nil || p.Folio() == folio) {
				w.mm.setEntry(t, i, 0)
			}
		})
		w.mm.TLB.FlushRange(s, e)
	}
}

// madviseWillneed reads the file pages of the range into the page cache
// (madvise_willneed → vfs_fadvise/readahead); anonymous memory has nothing
// to read without swap.
func (m *MM) madviseWillneed(v *VMA, start, end Addr) error {
	if v.file == nil {
		return nil
	}
	if v.file.mapping.shmem {
		return nil // shmem_swapin_range: only swapped-out pages come back, none are allocated
	}
	as := v.file.mapping
	first, last := v.PgoffOf(start), v.PgoffOf(end-PageSize)
	for idx := first; idx <= last && idx < as.Size; idx++ {
		if _, _, err := as.GetPage(m.mem, idx); err != nil {
			return nil // readahead failures are not reported
		}
	}
	return nil
}

// madvisePopulate faults [start, end) in for reading or writing
// (madvise_populate → faultin_page_range): ENOMEM where no VMA is, EINVAL
// for a VMA the access is not allowed on (check_vma_flags: VM_IO/VM_PFNMAP,
// no VM_READ for a read, no VM_WRITE for a write), EFAULT when a fault
// fails with SIGSEGV or SIGBUS.
func (m *MM) madvisePopulate(start, end Addr, write bool) error {
	const op = "madvise_populate"
	for start < end {
		v := m.VMALookup(start)
		if v == nil {
			return errf(op, ENOMEM, "no VMA at "+start.String())
		}
		switch {
		case v.Flags&(VM_IO|VM_PFNMAP) != 0:
			return errf(op, EINVAL, "VM_IO or VM_PFNMAP VMA")
		case write && v.Flags&VM_WRITE == 0:
			return errf(op, EINVAL, "MADV_POPULATE_WRITE on a VMA without VM_WRITE")
		case !write && v.Flags&VM_READ == 0:
			return errf(op, EINVAL, "MADV_POPULATE_READ on a VMA without VM_READ")
		}
		e := min(end, v.end)
		for a := start; a < e; a += PageSize {
			w := m.Walk(a)
			if w.Present() && (!write || w.Entry.Writable()) {
				continue
			}
			if w.Depth == LevelPTE && w.Entry.GuardMarker() {
				return errf(op, EFAULT, "guard region at "+a.String())
			}
			if _, err := m.HandleFault(v, a, write); err != nil {
				if isSignal(err) {
					return errf(op, EFAULT, err.Error())
				}
				return err
			}
		}
		start = e
	}
	return nil
}

func isSignal(err error) bool {
	var s Signal
	return errors.As(err, &s)
}

// PTEGuardMarker is the PTE marker MADV_GUARD_INSTALL leaves
// (PTE_MARKER_GUARD): not present, not none; an access to it gets SIGSEGV
// and neither a fault nor MADV_DONTNEED replaces it; munmap removes it.
const PTEGuardMarker PTE = 1 << 58

// GuardMarker reports whether the entry is a guard marker.
func (p PTE) GuardMarker() bool { return p == PTEGuardMarker }

// madviseGuardInstall zaps [start, end) and installs guard markers in it
// (madvise_guard_install), marking the whole VMA VM_MAYBE_GUARD without
// splitting it (fork copies the page tables of such VMAs: vma_needs_copy's
// VM_COPY_ON_FORK) and giving an anonymous VMA an anon_vma (only those:
// vma_is_anonymous; a file VMA stays without one, so a fork child's copy
// still merges with new mappings of the file). VM_SPECIAL, hugetlb and
// locked VMAs refuse with EINVAL.
func (m *MM) madviseGuardInstall(v *VMA, start, end Addr) error {
	const op = "madvise_guard_install"
	if v.Flags&(VM_SPECIAL|VM_HUGETLB|VM_LOCKED) != 0 {
		return errf(op, EINVAL, "guard regions need a plain, unlocked VMA")
	}
	v.Flags |= VM_MAYBE_GUARD
	if v.Anonymous() {
		m.PrepareAnonVMA(v)
	}
	for a := start; a < end; a += PageSize {
		w, _, err := m.AllocTables(a)
		if err != nil {
			return err
		}
		t := w.Tables[LevelPTE]
		i := t.Index(a)
		if t.ptes[i] != PTEGuardMarker {
			m.setEntry(t, i, PTEGuardMarker)
		}
	}
	m.TLB.FlushRange(start, end)
	return nil
}

// madviseGuardRemove clears the guard markers of [start, end), leaving
// other entries (madvise_guard_remove).
func (m *MM) madviseGuardRemove(v *VMA, start, end Addr) error {
	if v.Flags&(VM_SPECIAL|VM_HUGETLB) != 0 {
		return errf("madvise_guard_remove", EINVAL, "guard regions need a plain VMA")
	}
	m.forEachPTE(start, end, func(t *PageTable, i int, e PTE) {
		if e.GuardMarker() {
			m.setEntry(t, i, 0)
		}
	})
	return nil
}

// PR_SET_THP_DISABLE and its flags (include/uapi/linux/prctl.h).
const (
	PR_SET_THP_DISABLE            = 41
	PR_GET_THP_DISABLE            = 42
	PR_THP_DISABLE_EXCEPT_ADVISED = 1 << 1
)

// MMF_DISABLE_THP bits kept by SetTHPDisable.
const (
	MMF_DISABLE_THP_COMPLETELY     = 1
	MMF_DISABLE_THP_EXCEPT_ADVISED = 2
)

// PrctlSetTHPDisable is prctl(PR_SET_THP_DISABLE, disable, flags, 0, 0):
// it sets or clears the mm's THP-disable state (MMF_DISABLE_THP_*), which
// faults and khugepaged consult; VMA flags are untouched (MADV_HUGEPAGE
// still sets VM_HUGEPAGE, as observed). With PR_THP_DISABLE_EXCEPT_ADVISED
// (6.18) THP stays allowed in VM_HUGEPAGE VMAs. EINVAL for other flags or
// nonzero unused arguments, or flags without disable.
func (m *MM) PrctlSetTHPDisable(disable, flags, arg4, arg5 uint64) error {
	const op = "prctl(PR_SET_THP_DISABLE)"
	switch {
	case arg4 != 0 || arg5 != 0:
		return errf(op, EINVAL, "unused arguments must be 0")
	case disable == 0 && flags != 0:
		return errf(op, EINVAL, "flags without disable")
	case flags&^PR_THP_DISABLE_EXCEPT_ADVISED != 0:
		return errf(op, EINVAL, "unknown flags")
	}
	switch {
	case disable == 0:
		m.thpDisable = 0
	case flags == 0:
		m.thpDisable = MMF_DISABLE_THP_COMPLETELY
	default:
		m.thpDisable = MMF_DISABLE_THP_EXCEPT_ADVISED
	}
	return nil
}

// PrctlGetTHPDisable is prctl(PR_GET_THP_DISABLE): 1 and the flags when
// THP is disabled, 0 otherwise.
func (m *MM) PrctlGetTHPDisable() (disabled bool, flags uint64) {
	switch m.thpDisable {
	case MMF_DISABLE_THP_COMPLETELY:
		return true, 0
	case MMF_DISABLE_THP_EXCEPT_ADVISED:
		return true, PR_THP_DISABLE_EXCEPT_ADVISED
	}
	return false, 0
}

// THPDisabled reports whether the mm's THP-disable state forbids a THP in
// a VMA with flags f (vma_thp_disabled's mm part): completely, or except
// where VM_HUGEPAGE was advised.
func (m *MM) THPDisabled(f VMFlags) bool {
	switch m.thpDisable {
	case MMF_DISABLE_THP_COMPLETELY:
		return true
	case MMF_DISABLE_THP_EXCEPT_ADVISED:
		return f&VM_HUGEPAGE == 0
	}
	return false
}
