package runtime

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mmscript/mmscript/mmcore"
)

// A footprint audit checks declared footprints against what steps do:
// the state of every object a footprint names by its own ID (each page,
// each page-table entry, each mm's TLB and VMA tree) is taken before a
// step and after it, and every object that changed must be written by
// the step's footprint. A change the footprint does not declare is a
// hole in the partial-order reduction: the step would commute with a
// read of what it changed, and the search would skip an order that
// reaches a different state. The soundness tests find such holes only
// when a script happens to race on the object; the audit finds them in
// every step of every run (interp's TestFootprintsDeclareWhatStepsChange
// runs it on the examples and generated scripts).
//
// It compares what mmcore keeps of these objects and what the runtime
// keeps beside them that footprints name (an mm's parts, a page's pins,
// userfaultfd contexts a VMA is registered with); lock state, which the
// lock code records itself, and RCU are not compared. Reads cannot be
// audited this way: a missing read changes nothing.

// ObjectStates is the state of the objects a footprint names, taken by
// Kernel.ObjectStates.
type ObjectStates struct {
	pages    []mmcore.Page // shallow copies, by PFN - the first PFN
	first    mmcore.PFN
	ptes     map[ptSlot]ptState
	tlbs     map[*mmcore.MM]uint64
	vmas     map[*mmcore.MM]uint64
	attached map[*mmcore.MM]uint64 // which VMAs are attached (vma_mark_attached)
	// parts: the mm fields that are footprint objects of their own (AMM
	// and ATLB parts), by kind and ID.
	parts map[objKey]uint64
	// files: each file's i_mmap (the VMAs mapping it) and page cache.
	imap, cache map[*File]uint64
	files       []*File
	mms         []*mmcore.MM
}

// ptSlot is one entry of one level of an mm's tables, by the address of
// the start of its coverage.
type ptSlot struct {
	mm    *mmcore.MM
	level mmcore.Level
	addr  mmcore.Addr
}

// ptState is an entry: its leaf or huge value, or the table it points to.
type ptState struct {
	entry mmcore.PTE
	child *mmcore.PageTable
}

// ObjectStates takes the state of every page, page-table entry, TLB, VMA
// tree, mm part and file mapping of k.
func (k *Kernel) ObjectStates() *ObjectStates {
	s := &ObjectStates{ptes: map[ptSlot]ptState{}, tlbs: map[*mmcore.MM]uint64{}, vmas: map[*mmcore.MM]uint64{},
		attached: map[*mmcore.MM]uint64{}, imap: map[*File]uint64{}, cache: map[*File]uint64{},
		parts: map[objKey]uint64{}}
	s.first = k.Mem.ZeroPage().PFN
	for pfn := s.first; ; pfn++ {
		p := k.Mem.Page(pfn)
		if p == nil {
			break
		}
		s.pages = append(s.pages, *p)
	}
	// What the runtime keeps beside a folio: FOLL_PIN pins, unpins the
	// checks remember, a collapse under way.
	for p, n := range k.pins {
		s.parts[objKey{APage, uint32(p.PFN)}] += fmix(uint64(n) + 1)
	}
	for p := range k.unpinned {
		s.parts[objKey{APage, uint32(p.PFN)}] += fmix(2)
	}
	for p := range k.pt.collapsing {
		s.parts[objKey{APage, uint32(p.PFN)}] += fmix(3)
	}
	for _, m := range k.mms {
		c := m.Core
		s.mms = append(s.mms, c)
		s.tables(c, c.PGD())
		var tlb uint64
		c.TLB.All(func(cpu int, va mmcore.Addr, pte mmcore.PTE) {
			tlb += fmix(uint64(cpu)*0x9e3779b97f4a7c15 ^ fmix(uint64(va)^fmix(uint64(pte))))
		})
		s.tlbs[c] = tlb
		var vmas strings.Builder
		var attached uint64
		for v := range c.VMAs() {
			if ctx, ok := v.UffdCtx.(*UffdCtx); ok && ctx != nil {
				// a userfaultfd context the VMA is registered with
				s.parts[objKey{AObject, ID(ctx)}] = uffdDigest(ctx)
			}
			fmt.Fprintf(&vmas, "%#x-%#x %x %d %p %p %q %x %p %d;", uint64(v.Start()), uint64(v.End()), uint64(v.Flags),
				v.Pgoff(), v.File(), v.AnonVMA(), v.Name, uint64(v.CacheBits), v.UffdCtx, len(v.Chain()))
			if v.Attached() {
				attached += fmix(v.ID())
			}
		}
		s.vmas[c] = stringWord(vmas.String())
		s.attached[c] = attached
		id := ID(c)
		s.parts[objKey{AMM, mmUsersID(m.Name)}] = uint64(m.mmUsers)
		s.parts[objKey{AMM, mmPart(id, partMMCount)}] = uint64(m.mmCount)<<1 | nonZero(b2u(m.freed))
		s.parts[objKey{AMM, mmPart(id, partFlags)}] = m.flags
		s.parts[objKey{AMM, mmPart(id, partNotifiers)}] = uint64(len(m.notifiers))
		s.parts[objKey{ATLB, mmPart(id, partFlushPending)}] = uint64(m.tlbFlushPending)
		// fields of the mm no part names: the tree's object
		s.parts[objKey{AMM, id}] = m.writeProtectSeq ^ nonZero(b2u(m.coreState != nil))<<63 ^ nonZero(b2u(m.exitTornDown))<<62
		// the count of forks names the next child mm: object creation
		s.parts[objKey{AAlloc, 0}] += uint64(m.children)
	}
	for _, f := range k.files {
		as := f.Core.Mapping()
		var imap, cache uint64
		for v := range as.IMmap(0, ^uint64(0)) {
			imap = mixWord(mixWord(mixWord(imap, v.ID()), uint64(v.Start())), uint64(v.End())^v.Pgoff()<<40)
		}
		for i := range as.Size + 1 {
			if p := as.FindPage(i); p != nil {
				cache += fmix(i ^ uint64(p.PFN)<<20)
			}
		}
		s.files = append(s.files, f)
		s.imap[f], s.cache[f] = imap, cache^uint64(as.NrPages())
	}
	return s
}

func (s *ObjectStates) tables(m *mmcore.MM, t *mmcore.PageTable) {
	if t == nil {
		return
	}
	shift := mmcore.EntryShift(t.Level(), m.Levels())
	for i := range mmcore.PTRS_PER_TABLE {
		e := t.Entry(i)
		if t.Level() == mmcore.LevelPMD && e == 0 {
			e = t.HugeEntry(i)
		}
		c := t.Child(i)
		if e == 0 && c == nil {
			continue
		}
		s.ptes[ptSlot{m, t.Level(), t.Base() + mmcore.Addr(i)<<shift}] = ptState{e, c}
		s.tables(m, c)
	}
}

// Unwritten returns, described, the objects that changed from before to
// after and that acc, the footprint of the steps in between, does not
// write: a page (or a page made without an Alloc), a page-table entry
// (written, or under an upper entry written; a change of the accessed
// and dirty bits alone may be a Shared update, the hardware walk's), an
// mm's TLB (written, or a Shared update of the task's own CPU's), VMA
// tree or the attachment of its VMAs.
func Unwritten(before, after *ObjectStates, acc []Access) []string {
	var out []string
	for i := range after.pages {
		a := &after.pages[i]
		if i >= len(before.pages) {
			if !auditWrites(acc, AAlloc, 0, false) {
				out = append(out, fmt.Sprintf("page %#x (made without an Alloc)", uint64(a.PFN)))
			}
			continue
		}
		if before.pages[i] != *a && !auditWrites(acc, APage, uint32(a.PFN), false) {
			out = append(out, fmt.Sprintf("page %#x", uint64(a.PFN)))
		}
	}
	changed := map[ptSlot]bool{}
	for k, b := range before.ptes {
		if after.ptes[k] != b {
			changed[k] = true
		}
	}
	for k := range after.ptes {
		if _, ok := before.ptes[k]; !ok {
			changed[k] = true
		}
	}
	for k := range changed {
		if !entryWritten(acc, k, before.ptes[k], after.ptes[k]) {
			out = append(out, fmt.Sprintf("%s entry of %#x in mm %s", strings.ToLower(k.level.String()), uint64(k.addr), mmName(k.mm)))
		}
	}
	for _, m := range after.mms {
		if before.tlbs[m] != after.tlbs[m] && !auditWrites(acc, ATLB, ID(m), true) {
			out = append(out, "TLB of mm "+mmName(m))
		}
		if before.vmas[m] != after.vmas[m] && !auditWrites(acc, AMM, ID(m), false) {
			out = append(out, "VMA tree of mm "+mmName(m))
		}
		if before.attached[m] != after.attached[m] && !auditWrites(acc, AMM, mmPart(ID(m), partAttach), false) {
			out = append(out, "VMAs' attachment (vm_refcnt) of mm "+mmName(m))
		}
	}
	for k := range after.parts {
		if _, ok := before.parts[k]; !ok && k.kind == APage && !auditWrites(acc, APage, k.obj, false) {
			// a pin (or the like) of a page that had none
			out = append(out, fmt.Sprintf("page %#x (what the runtime keeps beside it: a pin, an unpin, a collapse)", uint64(k.obj)))
		}
	}
	for k, b := range before.parts {
		a, ok := after.parts[k]
		if !ok && k.kind != APage {
			continue // no longer reachable (a context no VMA is registered with)
		}
		if a != b && !auditWrites(acc, k.kind, k.obj, false) {
			out = append(out, fmt.Sprintf("%s object %d (an mm's part: mm_users, mm_count, flags, notifiers, tlb_flush_pending or its other fields; or a userfaultfd context)", k.kind, k.obj))
		}
	}
	for _, f := range after.files {
		if before.imap[f] != after.imap[f] && !auditWrites(acc, AFile, ID(f), false) {
			out = append(out, "i_mmap of file "+f.Core.Name)
		}
		if before.cache[f] != after.cache[f] && !auditWrites(acc, AFile, ID(f), false) && !auditWrites(acc, APage, AllObjects, false) {
			out = append(out, "page cache of file "+f.Core.Name)
		}
	}
	slices.Sort(out)
	return out
}

// entryWritten reports whether acc writes the entry k, which changed from
// b to a, or an entry above it.
func entryWritten(acc []Access, k ptSlot, b, a ptState) bool {
	id, lv := ID(k.mm), k.mm.Levels()
	leaf := pteKey(id, k.level, k.addr, lv)
	adOnly := b.child == a.child && b.entry&^(mmcore.PTEAccessed|mmcore.PTEDirty) == a.entry&^(mmcore.PTEAccessed|mmcore.PTEDirty)
	if auditWrites(acc, APTE, leaf, adOnly) {
		return true
	}
	for l := mmcore.LevelPGD; l < k.level; l++ {
		if auditWrites(acc, APTE, pteKey(id, l, k.addr, lv), false) {
			return true
		}
	}
	return false
}

// auditWrites reports whether acc writes object id of kind (or every
// object of it, or the world); with shared, a Shared update counts.
func auditWrites(acc []Access, kind AccessKind, id uint32, shared bool) bool {
	for _, a := range acc {
		if a.Kind == AWorld {
			return true
		}
		if a.Kind == kind && (a.Write || shared && a.Shared) && (a.Obj == id || a.Obj == AllObjects) {
			return true
		}
	}
	return false
}

func mmName(m *mmcore.MM) string {
	if rm := mmOf(m); rm != nil {
		return rm.Name
	}
	return "?"
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// uffdDigest is the state of a userfaultfd context: mmap_changing,
// released and its queued faults.
func uffdDigest(ctx *UffdCtx) uint64 {
	x := mixWord(mixWord(1, uint64(ctx.MmapChanging)), b2u(ctx.Released))
	for _, q := range ctx.faults {
		x = mixWord(x, uint64(q.T.ID)<<8|b2u(q.Write)|b2u(q.Waken)<<1|b2u(q.Read)<<2)
		x = mixWord(mixWord(x, uint64(q.Address)), uint64(q.Reason))
	}
	return x
}
