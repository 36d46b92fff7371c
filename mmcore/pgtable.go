package mmcore

import "strings"

// Level names a page-table level. A table "at level L" holds the level-L
// entries (a PMD table holds PMD entries, each pointing to a PTE table).
type Level int8

// Page-table levels, top to bottom. LevelNone is "no table at all", what
// Walk reports for an address outside user space.
const (
	LevelNone Level = iota - 1
	LevelPGD
	LevelP4D
	LevelPUD
	LevelPMD
	LevelPTE
)

var levelNames = [...]string{"PGD", "P4D", "PUD", "PMD", "PTE"}

func (l Level) String() string {
	if l >= LevelPGD && l <= LevelPTE {
		return levelNames[l]
	}
	return "none"
}

// x86-64 paging geometry.
const (
	PTRS_PER_TABLE = 512
	PMD_SHIFT      = 21
	PUD_SHIFT      = 30
	P4D_SHIFT      = 39
	PMD_SIZE       = 1 << PMD_SHIFT
	PUD_SIZE       = 1 << PUD_SHIFT
)

// levelShift is the shift of one entry at level l: 12 for a PTE, 21 for a
// PMD, ... The PGD's depends on the paging mode: with 4 levels the P4D is
// folded into the PGD, whose entries then cover 2^39 bytes.
func levelShift(l Level, levels int) uint {
	switch l {
	case LevelPTE:
		return PageShift
	case LevelPMD:
		return PMD_SHIFT
	case LevelPUD:
		return PUD_SHIFT
	case LevelP4D:
		return P4D_SHIFT
	}
	if levels == 5 {
		return 48
	}
	return P4D_SHIFT
}

// PageTableIndices returns the PGD, P4D, PUD, PMD and PTE indices of addr
// (pgd_index ... pte_index). With 4 levels the P4D index is 0: the P4D is
// folded (PTRS_PER_P4D is 1) and p4d_offset returns the PGD entry itself.
func PageTableIndices(addr Addr, levels int) [5]int {
	var ix [5]int
	ix[LevelPGD] = int(addr>>levelShift(LevelPGD, levels)) & (PTRS_PER_TABLE - 1)
	if levels == 5 {
		ix[LevelP4D] = int(addr>>P4D_SHIFT) & (PTRS_PER_TABLE - 1)
	}
	ix[LevelPUD] = int(addr>>PUD_SHIFT) & (PTRS_PER_TABLE - 1)
	ix[LevelPMD] = int(addr>>PMD_SHIFT) & (PTRS_PER_TABLE - 1)
	ix[LevelPTE] = int(addr>>PageShift) & (PTRS_PER_TABLE - 1)
	return ix
}

// TaskSize is TASK_SIZE_MAX for the paging mode: the end of user space,
// one page short of 2^47 (4 levels) or 2^56 (5 levels).
func TaskSize(levels int) Addr {
	if levels == 5 {
		return 1<<56 - PageSize
	}
	return 1<<47 - PageSize
}

// Canonical reports whether addr is canonical for the paging mode: bits
// above the top implemented bit (47 or 56) all equal it.
func Canonical(addr Addr, levels int) bool {
	vbits := uint(48)
	if levels == 5 {
		vbits = 57
	}
	top := int64(addr) >> (vbits - 1)
	return top == 0 || top == -1
}

// PTE is an x86-64 page-table entry, with the hardware's bit layout so that
// values print as a kernel developer expects.
type PTE uint64

// PTE bits (arch/x86/include/asm/pgtable_types.h).
const (
	PTEPresent  PTE = 1 << 0
	PTEWrite    PTE = 1 << 1
	PTEUser     PTE = 1 << 2
	PTEAccessed PTE = 1 << 5 // "young"
	PTEDirty    PTE = 1 << 6
	PTESpecial  PTE = 1 << 9 // _PAGE_SPECIAL: no struct page to account (PFN maps, the zero page)
	// PTEProtNone is _PAGE_PROTNONE (it aliases _PAGE_GLOBAL): the entry of
	// a PROT_NONE mapping. pte_present is still true, so the page stays
	// mapped and counted, but the CPU faults on every access.
	PTEProtNone PTE = 1 << 8
	PTENoExec   PTE = 1 << 63
	// PTEPWT and PTEPCD (_PAGE_PWT, _PAGE_PCD) select the entry's PAT
	// slot, its cache mode, with _PAGE_PAT (bit 7, which mmcore leaves
	// out: at the PMD level it is PTEHuge's _PAGE_PSE). Linux programs the
	// PAT so that the two low bits give write-back (none), write-combining
	// (PWT), UC- (PCD) and uncached (both): arch/x86/mm/pat/memtype.c:
	// pat_bp_init() "PAT(0, WB) | PAT(1, WC) | PAT(2, UC_MINUS) | PAT(3, UC)",
	// what pgprot_writecombine() and pgprot_noncached() OR into a pgprot.
	PTEPWT       PTE = 1 << 3
	PTEPCD       PTE = 1 << 4
	PTECacheMask PTE = PTEPWT | PTEPCD
	pteFlagMask  PTE = PTEPresent | PTEWrite | PTEUser | PTEAccessed | PTEDirty | PTESpecial | PTEProtNone | PTENoExec | PTECacheMask
	ptePFNMask   PTE = ((1 << 52) - 1) &^ (PageSize - 1)
)

// MkPTE builds a PTE mapping pfn with the given flag bits (pfn_pte); it sets
// PTEPresent and PTEUser.
func MkPTE(pfn PFN, flags PTE) PTE {
	return (PTE(pfn)<<PageShift)&ptePFNMask | flags&pteFlagMask | PTEPresent | PTEUser
}

// None reports an empty entry (pte_none).
func (p PTE) None() bool { return p == 0 }

// Present reports pte_present.
func (p PTE) Present() bool { return p&PTEPresent != 0 }

// PFN returns the mapped frame (pte_pfn).
func (p PTE) PFN() PFN { return PFN((p & ptePFNMask) >> PageShift) }

// ProtNone reports pte_protnone: a present entry of a PROT_NONE mapping.
func (p PTE) ProtNone() bool { return p&PTEProtNone != 0 }

// Accessible reports whether the CPU may use the entry: present and not
// PROT_NONE.
func (p PTE) Accessible() bool { return p.Present() && !p.ProtNone() }

// CacheMode is enum page_cache_mode (arch/x86/include/asm/pgtable_types.h).
type CacheMode int

const (
	CacheWB      CacheMode = 0 // _PAGE_CACHE_MODE_WB
	CacheWC      CacheMode = 1 // _PAGE_CACHE_MODE_WC
	CacheUCMinus CacheMode = 2 // _PAGE_CACHE_MODE_UC_MINUS
	CacheUC      CacheMode = 3 // _PAGE_CACHE_MODE_UC
)

// CacheMode is the entry's cache mode under Linux's PAT layout
// (pgprot2cachemode()): the PWT and PCD bits index PAT slots 0-3.
func (p PTE) CacheMode() CacheMode {
	return CacheMode(p&PTEPWT>>3 | p&PTEPCD>>3)
}

// Writable reports pte_write.
func (p PTE) Writable() bool { return p&PTEWrite != 0 }

// Dirty reports pte_dirty.
func (p PTE) Dirty() bool { return p&PTEDirty != 0 }

// Young reports pte_young (the accessed bit).
func (p PTE) Young() bool { return p&PTEAccessed != 0 }

// Special reports pte_special: a PFN-map or zero-page entry whose page, if
// any, is not refcounted or mapcounted through this entry.
func (p PTE) Special() bool { return p&PTESpecial != 0 }

// With returns p with the flag bits set (pte_mkwrite, pte_mkdirty, ...).
func (p PTE) With(flags PTE) PTE { return p | flags&pteFlagMask }

// Without returns p with the flag bits cleared (pte_wrprotect, pte_mkclean, ...).
func (p PTE) Without(flags PTE) PTE { return p &^ (flags & pteFlagMask) }

func (p PTE) String() string {
	if p.None() {
		return "pte_none"
	}
	var b strings.Builder
	b.WriteString("pfn=0x" + hex(uint64(p.PFN())))
	for _, f := range []struct {
		bit  PTE
		name string
	}{{PTEPresent, "present"}, {PTEWrite, "write"}, {PTEDirty, "dirty"}, {PTEAccessed, "young"}, {PTESpecial, "special"}, {PTEProtNone, "protnone"}, {PTEPWT, "pwt"}, {PTEPCD, "pcd"}} {
		if p&f.bit != 0 {
			b.WriteString(" " + f.name)
		}
	}
	return b.String()
}

// PageTable is one page-table page. As in the kernel, the split page-table
// lock of a PMD or PTE table lives in the page itself.
type PageTable struct {
	// Lock is owned by the lock checker built on top (mmscript's runtime),
	// which keeps the split PMD/PTE spinlock there (ptlock); mmcore never
	// reads it. The PGD, P4D and PUD tables' entries are protected by
	// mm->page_table_lock instead (MM.PageTableLock).
	Lock any

	level Level
	shift uint // shift of one entry of this table
	base  Addr // first address this table covers
	next  []*PageTable
	ptes  []PTE
	// huge holds a PMD table's leaf entries (PMD-mapped THPs): entry i is
	// a huge mapping when huge[i] is non-zero, and next[i] is then nil.
	// Allocated on first use.
	huge   []PTE
	used   int
	freed  bool
	parent *PageTable
	pindex int
}

// Level is the level of the entries this table holds.
func (t *PageTable) Level() Level { return t.level }

// Base is the first user address the table covers.
func (t *PageTable) Base() Addr { return t.base }

// End is the first address past the table's coverage.
func (t *PageTable) End() Addr { return t.base + Addr(PTRS_PER_TABLE)<<t.shift }

// Used is the number of non-empty entries.
func (t *PageTable) Used() int { return t.used }

// Freed reports whether the table was freed (free_pgtables). A walker that
// kept a pointer to it across the free holds a dangling table.
func (t *PageTable) Freed() bool { return t.freed }

// Entry returns entry i of a PTE table (pte_none for other levels or a bad
// index).
func (t *PageTable) Entry(i int) PTE {
	if t.ptes == nil || i < 0 || i >= len(t.ptes) {
		return 0
	}
	return t.ptes[i]
}

// Child returns the table that entry i of an upper-level table points to.
func (t *PageTable) Child(i int) *PageTable {
	if t.next == nil || i < 0 || i >= len(t.next) {
		return nil
	}
	return t.next[i]
}

// Index returns the entry index of addr in this table.
func (t *PageTable) Index(addr Addr) int { return int(addr>>t.shift) & (PTRS_PER_TABLE - 1) }

// Walk is the result of a page-table walk: which tables exist for an
// address, down to the PTE if its table exists.
type Walk struct {
	Addr Addr
	// Depth is the deepest level whose table exists: LevelPTE means the PTE
	// table exists and Entry is meaningful; LevelPMD means the PMD entry is
	// empty; LevelNone means the address is outside user space.
	Depth Level
	// huge: addr lies in a PMD-mapped huge page (Entry is then derived
	// from the PMD entry). Kept beside Depth so that Walk stays 64 bytes:
	// a walk is returned by value on every fault and lock check.
	huge bool
	// Tables[l] is the table holding addr's level-l entry. With 4 levels
	// Tables[LevelP4D] is the PGD itself, as p4d_offset returns it.
	Tables [5]*PageTable
	// Entry is the PTE (pte_none when absent). For an address inside a
	// PMD-mapped huge page (Huge), it is the PMD entry with the PFN of
	// the 4 KiB subpage that maps addr.
	Entry PTE
}

// Huge reports that a PMD entry maps addr as part of a 2 MiB page
// (pmd_trans_huge); Depth is then LevelPMD.
func (w Walk) Huge() bool { return w.huge }

// HugeEnd is the end of the PMD-sized range containing the address.
func (w Walk) HugeEnd() Addr { return (w.Addr &^ (PMD_SIZE - 1)) + PMD_SIZE }

// PMD returns the PMD table (holding addr's PMD entry), or nil.
func (w Walk) PMD() *PageTable { return w.Tables[LevelPMD] }

// PTETable returns the PTE table, or nil.
func (w Walk) PTETable() *PageTable { return w.Tables[LevelPTE] }

// Present reports whether a present PTE, or a present huge PMD, maps the
// address.
func (w Walk) Present() bool { return (w.Depth == LevelPTE || w.huge) && w.Entry.Present() }

// Alloc records which page-table levels an operation allocated. The kernel
// installs P4D, PUD and PMD tables under mm->page_table_lock
// (__p4d_alloc, __pud_alloc, and __pmd_alloc through pud_lock, which is
// page_table_lock on x86), and a PTE table under the PMD's split lock
// (__pte_alloc via pmd_lock).
type Alloc uint8

// Alloc bits.
const (
	AllocP4D Alloc = 1 << iota
	AllocPUD
	AllocPMD
	AllocPTE
)

// NeedsPageTableLock reports whether the kernel would have taken
// mm->page_table_lock.
func (a Alloc) NeedsPageTableLock() bool { return a&(AllocP4D|AllocPUD|AllocPMD) != 0 }

// NeedsPMDLock reports whether the kernel would have taken the PMD lock to
// install a PTE table.
func (a Alloc) NeedsPMDLock() bool { return a&AllocPTE != 0 }

func (a Alloc) String() string {
	if a == 0 {
		return "none"
	}
	var parts []string
	for i, n := range []string{"P4D", "PUD", "PMD", "PTE"} {
		if a&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, "|")
}

func (m *MM) newTable(level Level, base Addr, parent *PageTable, pindex int) *PageTable {
	t := m.mem.Tables.get(level == LevelPTE)
	t.level, t.shift, t.parent, t.pindex = level, levelShift(level, m.levels), parent, pindex
	t.base = base &^ (Addr(PTRS_PER_TABLE)<<t.shift - 1)
	if level == LevelPGD {
		t.base = 0
	}
	m.nrPgtables++
	return t
}

// TablePool recycles page-table pages from one simulated machine to the
// next. A caller that builds many short-lived machines one after another
// (a model checker replays thousands of runs a second, each with fresh
// page tables) otherwise allocates, zeroes and garbage-collects a 4 KiB
// array per table per run: a third of the bytes such a run allocates.
// A nil pool allocates every table afresh.
type TablePool struct {
	taken       []*PageTable // handed out since the last Reset
	ptes, upper []*PageTable // free, cleared: PTE tables and the others
}

// get returns a cleared table with its entry array: ptes for a PTE
// table, next for the others.
func (p *TablePool) get(pte bool) *PageTable {
	var t *PageTable
	switch {
	case p == nil:
	case pte && len(p.ptes) > 0:
		t, p.ptes = p.ptes[len(p.ptes)-1], p.ptes[:len(p.ptes)-1]
	case !pte && len(p.upper) > 0:
		t, p.upper = p.upper[len(p.upper)-1], p.upper[:len(p.upper)-1]
	}
	if t == nil {
		t = &PageTable{}
		if pte {
			t.ptes = make([]PTE, PTRS_PER_TABLE)
		} else {
			t.next = make([]*PageTable, PTRS_PER_TABLE)
		}
	}
	if p != nil {
		p.taken = append(p.taken, t)
	}
	return t
}

// Reset takes back every table handed out since the last Reset, for the
// next machine: the machines that used them must never be used again.
// The tables are cleared now rather than when reused, so that the pool
// keeps nothing of a dead machine alive.
func (p *TablePool) Reset() {
	for i, t := range p.taken {
		p.taken[i] = nil
		if t.ptes != nil {
			clear(t.ptes)
			*t = PageTable{ptes: t.ptes}
			p.ptes = append(p.ptes, t)
		} else {
			clear(t.next)
			*t = PageTable{next: t.next}
			p.upper = append(p.upper, t)
		}
	}
	p.taken = p.taken[:0]
}

// childTable returns the table t's entry i points to, allocating it
// (p4d_alloc, pud_alloc, pmd_alloc, pte_alloc) when missing; the Alloc
// says which level was allocated, so callers can account for the locks.
func (m *MM) childTable(t *PageTable, i int, addr Addr) (*PageTable, Alloc) {
	if c := t.next[i]; c != nil {
		return c, 0
	}
	cl := m.childLevel(t)
	c := m.newTable(cl, addr, t, i)
	m.ptChanged()
	t.next[i] = c
	t.used++
	switch cl {
	case LevelP4D:
		return c, AllocP4D
	case LevelPUD:
		return c, AllocPUD
	case LevelPMD:
		return c, AllocPMD
	case LevelPTE:
		return c, AllocPTE
	}
	return c, 0
}

// childLevel is the level of the tables that t's entries point to.
func (m *MM) childLevel(t *PageTable) Level {
	if t.level == LevelPGD && m.levels == 4 {
		return LevelPUD
	}
	return t.level + 1
}

// Walk looks addr up in the page tables without allocating (a lockless
// walk, or follow_pte). It is allocation-free.
func (m *MM) Walk(addr Addr) Walk {
	w := Walk{Addr: addr, Depth: LevelNone}
	if addr >= m.taskSize {
		return w
	}
	t := m.pgd
	w.Tables[LevelPGD] = t
	w.Depth = LevelPGD
	if m.levels == 4 {
		w.Tables[LevelP4D] = t
		w.Depth = LevelP4D
	}
	for t.next != nil {
		i := int(addr>>t.shift) & (PTRS_PER_TABLE - 1)
		c := t.next[i]
		if c == nil {
			if t.huge != nil && t.huge[i] != 0 {
				w.huge = true
				w.Entry = t.huge[i] + PTE((addr&(PMD_SIZE-1))>>PageShift)<<PageShift
			}
			return w
		}
		t = c
		w.Tables[t.level] = t
		w.Depth = t.level
	}
	w.Entry = t.ptes[int(addr>>PageShift)&(PTRS_PER_TABLE-1)]
	return w
}

// AllocTables walks to addr's PTE table, allocating the missing levels
// (walk_to_pmd + pte_alloc), and reports which ones it allocated so that
// the caller can account for the locks the kernel takes to install them.
// It fails with EFAULT outside user space.
func (m *MM) AllocTables(addr Addr) (Walk, Alloc, error) {
	if addr >= m.taskSize {
		return Walk{Addr: addr, Depth: LevelNone}, 0, errf("pte_alloc", EFAULT, "address "+addr.String()+" outside user space")
	}
	var alloc Alloc
	t := m.pgd
	for t.next != nil {
		i := int(addr>>t.shift) & (PTRS_PER_TABLE - 1)
		if t.hugeEntry(i) != 0 {
			// The kernel's pte_alloc() leaves a huge PMD alone; its
			// callers decide first (the faults' PMD-level handling,
			// get_locked_pte() and finish_fault() failing,
			// remap_pfn_range() zapping). What still reaches here is
			// madvise(MADV_GUARD_INSTALL), whose walk zaps the THP and
			// retries: a split whose entries it then overwrites ends
			// the same.
			m.splitHugePMDAt(t, i)
		}
		c, a := m.childTable(t, i, addr)
		alloc |= a
		t = c
	}
	return m.Walk(addr), alloc, nil
}

// PageTables is the number of page-table pages the MM holds, the PGD
// included (what VmPTE counts, in pages).
func (m *MM) PageTables() int { return m.nrPgtables }

// RSS counts the pages mapped by an MM, as its rss_stat does.
type RSS struct {
	File  int // MM_FILEPAGES
	Anon  int // MM_ANONPAGES
	Shmem int // MM_SHMEMPAGES
}

// RSS returns the MM's resident-set counters.
func (m *MM) RSS() RSS { return m.rss }

func (m *MM) rssAdd(p *Page, d int) {
	switch {
	case p.anon:
		m.rss.Anon += d
	case p.mapping != nil && p.mapping.shmem:
		m.rss.Shmem += d
	default:
		m.rss.File += d
	}
}

// accountedPage returns the page a PTE maps and must account for, or nil
// for special entries, the zero page and PFNs without a struct page.
func (m *MM) accountedPage(pte PTE) *Page {
	if !pte.Present() || pte.Special() {
		return nil
	}
	p := m.mem.Page(pte.PFN())
	if p == nil || p.zero {
		return nil
	}
	return p
}

// setEntry stores pte in t[i], accounting for the entry it replaces and the
// new one: a normal page gains a mapcount and a reference per PTE (the
// rmap add and get_page of the install paths) and loses them on clear.
func (m *MM) setEntry(t *PageTable, i int, pte PTE) {
	old := t.ptes[i]
	// take the new reference first: replacing an entry by one for the same
	// page (write-protecting it, say) must not free the page in between
	if p := m.accountedPage(pte); p != nil {
		p.mapcount++
		p.Folio().refcount++
		m.rssAdd(p, 1)
	}
	if p := m.accountedPage(old); p != nil {
		if old.Dirty() {
			p.dirty = true
		}
		p.mapcount--
		m.rssAdd(p, -1)
		if !p.freed {
			_ = p.Put()
		}
	}
	switch {
	case old == 0 && pte != 0:
		t.used++
	case old != 0 && pte == 0:
		t.used--
	}
	m.ptChanged()
	t.ptes[i] = pte
}

func (m *MM) checkInstall(op string, pte PTE) error {
	if !pte.Present() || pte.Special() {
		return nil
	}
	p := m.mem.Page(pte.PFN())
	if p == nil {
		return errf(op, EINVAL, "non-special PTE for pfn 0x"+hex(uint64(pte.PFN()))+" without a struct page")
	}
	if p.freed {
		return errf(op, EINVAL, "PTE for freed page "+p.name())
	}
	return nil
}

// SetPTE stores pte for addr (set_pte_at) and returns the entry it
// replaced. The PTE table must exist (EFAULT otherwise; allocate it with
// AllocTables). A normal page gains a mapcount and a reference; the
// replaced entry's page loses them (and is freed if that was the last
// reference). Special entries and the zero page are not accounted. A
// non-special PTE for an unknown or freed PFN fails with EINVAL.
func (m *MM) SetPTE(addr Addr, pte PTE) (PTE, error) {
	w := m.Walk(addr)
	if w.Depth != LevelPTE {
		return 0, errf("set_pte_at", EFAULT, "no PTE table for "+addr.String())
	}
	if err := m.checkInstall("set_pte_at", pte); err != nil {
		return 0, err
	}
	t := w.Tables[LevelPTE]
	m.setEntry(t, t.Index(addr), pte)
	return w.Entry, nil
}

// ClearPTE clears addr's PTE (ptep_get_and_clear) and returns what it held,
// dropping the page's mapcount and reference for a normal page. A missing
// table is not an error: there was nothing to clear.
func (m *MM) ClearPTE(addr Addr) PTE {
	w := m.Walk(addr)
	if w.Depth != LevelPTE || w.Entry == 0 {
		return 0
	}
	t := w.Tables[LevelPTE]
	m.setEntry(t, t.Index(addr), 0)
	return w.Entry
}

// ZapRange clears the leaf entries mapping [start, end) ∩ vma and keeps the
// tables (zap_vma_range). Pages lose a mapcount and a reference per entry.
// It does not flush TLBs: like the kernel's mmu_gather the caller flushes,
// and until it does the CPUs may keep translations to pages that are
// already freed (see TLB). It returns the number of present entries
// cleared.
func (m *MM) ZapRange(v *VMA, start, end Addr) int {
	return m.zapRange(v, start, end, nil)
}

// zapRange is ZapRange; with delayed non-nil, the entries of file folios
// that were dirty keep their rmap (see ZapRangeDelayRmap), appended to
// *delayed.
func (m *MM) zapRange(v *VMA, start, end Addr, delayed *[]*Page) int {
	if v == nil {
		return 0
	}
	start = max(start&PageMask, v.start)
	end = min(end, v.end)
	n := 0
	for addr := start; addr < end; {
		w := m.Walk(addr)
		if w.Huge() {
			// zap_pmd_range: a whole PMD range goes at once, part of one
			// splits it first
			t := w.Tables[LevelPMD]
			i := t.Index(addr)
			hend := w.HugeEnd()
			if addr&(PMD_SIZE-1) == 0 && end >= hend {
				if m.hugeFolio(t.huge[i]) != nil {
					n += HPAGE_PMD_NR
				}
				m.zapHugePMD(t, i)
				addr = hend
				continue
			}
			m.splitHugePMDAt(t, i)
			continue
		}
		if w.Depth != LevelPTE {
			if w.Depth == LevelNone {
				return n
			}
			// skip the whole range that the missing table would cover
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
				if e.Present() {
					n++
				}
				if delayed != nil && e.Dirty() {
					if p := m.accountedPage(e); p != nil && !p.Folio().anon {
						m.clearKeepRmap(t, i, p)
						*delayed = append(*delayed, p)
						continue
					}
				}
				m.setEntry(t, i, 0)
			}
		}
		addr = tend
	}
	return n
}

// FreePageTables frees the page tables that serve only [start, end): every
// table (PGD excepted) overlapping the range whose whole coverage
// intersects no attached VMA, as free_pgtables does with its floor and
// ceiling taken from the neighbouring VMAs. Entries are expected to be
// zapped already; any still present are leaked with the table, as in the
// kernel (their pages keep the mapcount and reference the entry held), and
// counted in leaked. Freed tables are marked so that a walker holding one
// can tell.
func (m *MM) FreePageTables(start, end Addr) (freed, leaked int) {
	m.VisitPgtablesFree(start, end, func(t *PageTable, a Addr, c *PageTable, what PgtableFree) bool {
		if what == PgtableFreed {
			f, l := m.freeTable(c)
			freed += f
			leaked += l
			m.ptChanged()
			t.next[t.Index(a)] = nil
			t.used--
		}
		return true
	})
	return freed, leaked
}

// PgtableFree is what free_pgtables does with one entry of an upper
// table over the range it frees (VisitPgtablesFree).
type PgtableFree uint8

const (
	// PgtableNone: the entry is empty (p?d_none_or_clear_bad()): skipped.
	PgtableNone PgtableFree = iota
	// PgtableFreed: the table below serves no VMA any more: the entry is
	// cleared and the table freed with every table below it
	// (free_pte_range(): pmd_clear(); pte_free_tlb(), and the same one
	// level up in free_pmd_range(), free_pud_range(), free_p4d_range()).
	PgtableFreed
	// PgtableKept: the table below still serves a VMA (floor and ceiling
	// exclude it): it is kept and walked into.
	PgtableKept
)

// VisitPgtablesFree calls fn, in address order, for each entry of an
// upper-level table that free_pgtables looks at over [start, end), as
// FreePageTables frees them: t is the table holding the entry, a the
// first address it covers, c the table it points to (nil when empty), and
// what free_pgtables does with it. A kept table's entries are visited
// after fn returns for it; a freed one's are not (they go with it). fn
// returning false stops the walk, and VisitPgtablesFree then returns
// false. The walk itself changes nothing: FreePageTables frees through
// it, and a caller can tell beforehand what a free of the range will
// touch, by the same criterion (a model checker's footprint), so that the
// two cannot drift apart.
func (m *MM) VisitPgtablesFree(start, end Addr, fn func(t *PageTable, a Addr, c *PageTable, what PgtableFree) bool) bool {
	if start >= end {
		return true
	}
	return m.visitFree(m.pgd, start, end, fn)
}

func (m *MM) visitFree(t *PageTable, start, end Addr, fn func(t *PageTable, a Addr, c *PageTable, what PgtableFree) bool) bool {
	span := Addr(1) << t.shift
	for a := max(start, t.base) &^ (span - 1); a < end && a < t.End(); a += span {
		c := t.next[t.Index(a)]
		what := PgtableKept
		switch {
		case c == nil:
			what = PgtableNone
		case m.FindVMAIntersection(c.base, c.End()) == nil:
			what = PgtableFreed
		}
		if !fn(t, a, c, what) {
			return false
		}
		if what == PgtableKept && c.next != nil && !m.visitFree(c, start, end, fn) {
			return false
		}
		if a+span < a {
			break // the last entry of the address space
		}
	}
	return true
}

// freeTable frees t and everything below it, counting present leaves.
func (m *MM) freeTable(t *PageTable) (freed, leaked int) {
	for _, c := range t.next {
		if c != nil {
			f, l := m.freeTable(c)
			freed += f
			leaked += l
		}
	}
	for _, e := range t.ptes {
		if e.Present() {
			leaked++
		}
	}
	for _, e := range t.huge {
		if e.Present() {
			leaked += HPAGE_PMD_NR
		}
	}
	t.freed = true
	t.parent = nil
	m.nrPgtables--
	return freed + 1, leaked
}

// EntryShift is the shift of one level-l entry's coverage for the paging
// mode (PAGE_SHIFT, PMD_SHIFT, PUD_SHIFT, P4D_SHIFT, PGDIR_SHIFT): entries
// at level l are told apart by addr >> EntryShift(l, levels).
func EntryShift(l Level, levels int) uint { return levelShift(l, levels) }
