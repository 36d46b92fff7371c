package mmcore

import "errors"

// ErrNeedsOps reports that a fault needs the VMA's driver (vm_ops->fault,
// ->page_mkwrite or ->pfn_mkwrite), which mmcore does not run: the caller
// calls the driver and then FinishFault, InsertPage or MkWrite.
var ErrNeedsOps = errors.New("fault needs the VMA's vm_ops")

// FaultKind says what a fault did.
type FaultKind int

// Fault outcomes.
const (
	// FaultSpurious: the PTE already allowed the access; only the
	// accessed/dirty bits were updated.
	FaultSpurious FaultKind = iota
	// FaultZeroPage: read fault on private anonymous memory mapped the
	// shared zero page (do_anonymous_page, read).
	FaultZeroPage
	// FaultAnon: a new anonymous page was mapped (do_anonymous_page, write).
	FaultAnon
	// FaultFile: a page-cache or driver page was mapped (do_read_fault,
	// do_shared_fault, finish_fault).
	FaultFile
	// FaultCOW: a private write copied the page into a new anonymous page
	// (wp_page_copy, do_cow_fault).
	FaultCOW
	// FaultReuse: a private write on an exclusively owned anonymous page
	// made it writable in place (wp_page_reuse).
	FaultReuse
	// FaultMkwrite: a shared write made a read-only PTE writable
	// (wp_page_shared, after ->page_mkwrite if any).
	FaultMkwrite
	// FaultNoPage: FinishFault found the PTE already populated, or a
	// huge PMD mapping the address (someone raced the fault;
	// VM_FAULT_NOPAGE), and dropped the page.
	FaultNoPage
)

var faultKindNames = [...]string{"spurious", "zero-page", "anon", "file", "cow", "reuse", "mkwrite", "nopage"}

func (k FaultKind) String() string {
	if k >= 0 && int(k) < len(faultKindNames) {
		return faultKindNames[k]
	}
	return "fault?"
}

// FaultResult describes what a fault changed, so that the caller can
// account for the locks the kernel would have taken on the way.
type FaultResult struct {
	Kind FaultKind
	// Page is the page now mapped at the address (nil for a PFN mapping).
	Page *Page
	// PTE is the entry now at the address.
	PTE PTE
	// Alloc is the page-table levels the fault allocated.
	Alloc Alloc
	// AnonVMACreated: anon_vma_prepare allocated a new anon_vma.
	AnonVMACreated bool
	// PageCacheAlloc: the page was read into the page cache.
	PageCacheAlloc bool
	// TLBFlushed: an existing translation was replaced and flushed
	// (ptep_clear_flush in wp_page_copy).
	TLBFlushed bool
	// Mapped is the number of PTEs installed, fault-around included.
	Mapped int
}

func isCOWMapping(f VMFlags) bool { return f&(VM_SHARED|VM_MAYWRITE) == VM_MAYWRITE }

func (m *MM) checkFaultVMA(op string, v *VMA, addr Addr) error {
	switch {
	case v == nil || v.mm != m:
		return errf(op, EINVAL, "VMA of another mm")
	case !v.attached:
		return errf(op, EFAULT, "VMA is detached (unmapped)")
	case !v.Contains(addr):
		return errf(op, SIGSEGV, "address "+addr.String()+" outside the VMA")
	}
	return nil
}

// HandleFault is the data side of handle_mm_fault for a user access to
// addr: the caller holds (or checks) the locks. It serves VMAs without
// driver ops: private anonymous memory (zero page on read, new page on
// write, copy-on-write of shared or zero pages) and plain file or shmem
// mappings (page-cache lookup or read-in, fault-around on reads, COW for
// private writes). For a VMA with Ops it only handles accesses the PTE
// already allows and private COW, and returns ErrNeedsOps otherwise.
//
// Errors: SIGSEGV (address outside the VMA, or an access its flags do not
// allow: a write without VM_WRITE, any access without VM_READ, VM_WRITE or
// VM_EXEC, as x86's access_error decides), SIGBUS (file page beyond EOF,
// PFN/IO mapping without ops), EFAULT (the VMA is detached), ENOMEM.
func (m *MM) HandleFault(v *VMA, addr Addr, write bool) (FaultResult, error) {
	return m.handleFault(v, addr, write, false)
}

// HandleFaultForce is the write fault of a FOLL_FORCE get_user_pages
// (ptrace, /proc/pid/mem) on a private mapping without VM_WRITE but with
// VM_MAYWRITE (mm/gup.c: check_vma_flags() lets it through for a COW
// mapping; mm/memory.c: sanitize_fault_flags() wants VM_MAYWRITE): the COW
// is broken as for any write, but maybe_mkwrite() leaves the new PTE
// read-only (dirty, mapping an exclusive anonymous page). A VMA with
// VM_WRITE takes the plain write fault.
func (m *MM) HandleFaultForce(v *VMA, addr Addr) (FaultResult, error) {
	if v == nil || v.Flags&VM_WRITE != 0 || !isCOWMapping(v.Flags) {
		return m.handleFault(v, addr, true, false)
	}
	r, err := m.handleFault(v, addr, true, true)
	if err != nil {
		return r, err
	}
	if w := m.Walk(addr &^ (PageSize - 1)); w.Present() && w.Depth == LevelPTE {
		t := w.Tables[LevelPTE]
		ne := (w.Entry &^ PTEWrite) | PTEDirty
		m.ptChanged()
		t.ptes[t.Index(addr)] = ne
		r.PTE = ne
	}
	return r, nil
}

func (m *MM) handleFault(v *VMA, addr Addr, write, force bool) (FaultResult, error) {
	const op = "handle_mm_fault"
	if err := m.checkFaultVMA(op, v, addr); err != nil {
		return FaultResult{}, err
	}
	addr &= PageMask
	if write && v.Flags&VM_WRITE == 0 && !force {
		return FaultResult{}, errf(op, SIGSEGV, "write to a VMA without VM_WRITE")
	}
	if v.Flags&VM_ACCESS_FLAGS == 0 {
		return FaultResult{}, errf(op, SIGSEGV, "access to a PROT_NONE VMA")
	}
	if !PkeyAccessPermitted(v) {
		return FaultResult{}, errf(op, SIGSEGV, "the execute-only protection key denies data access (arch_vma_access_permitted)")
	}
	// __handle_mm_fault: a huge or empty PMD is handled at the PMD level
	// first (create_huge_pmd, do_huge_pmd_wp_page); with a PTE table in
	// place the walk is all the fault needs
	w := m.Walk(addr)
	if w.Depth == LevelPTE && w.Entry.GuardMarker() {
		// a guard region (MADV_GUARD_INSTALL): handle_pte_marker gives
		// VM_FAULT_SIGSEGV
		return FaultResult{}, errf(op, SIGSEGV, "access to a guard region")
	}
	var alloc Alloc
	pmdNone := w.Depth != LevelPTE
	if pmdNone {
		if r, handled, err := m.hugeFault(v, addr, write); handled || err != nil {
			return r, err
		}
		var err error
		if w, alloc, err = m.AllocTables(addr); err != nil {
			return FaultResult{}, err
		}
	}
	t := w.Tables[LevelPTE]
	i := t.Index(addr)
	if e := w.Entry; e.Present() {
		r, err := m.faultPresent(v, addr, t, i, e, write)
		r.Alloc = alloc
		return r, err
	}
	r := FaultResult{Alloc: alloc}
	switch {
	case v.Ops != nil:
		return r, errf(op, ErrNeedsOps, "no PTE and the VMA has driver ops")
	case v.Flags&(VM_PFNMAP|VM_IO|VM_MIXEDMAP) != 0:
		return r, errf(op, SIGBUS, "PFN/IO mapping without a fault handler")
	case v.file == nil:
		return m.anonFault(v, addr, t, i, write, r)
	}
	index := v.PgoffOf(addr)
	as := v.file.mapping
	// the PTE table the kernel has at this point: with the PMD empty,
	// do_fault only preallocates one, which filemap_map_pmd or
	// finish_fault installs and do_fault frees otherwise
	tableInstalled := !pmdNone
	if !write && !m.noFaultAround {
		// do_read_fault: ->map_pages first (fault-around maps what the
		// page cache holds around addr, addr too if it is cached), and
		// ->fault only when addr is still unmapped
		var installed, huge bool
		r.Mapped, installed, huge = m.faultAround(v, addr, pmdNone)
		if huge {
			w := m.Walk(addr)
			r.Kind, r.Page, r.PTE = FaultFile, m.mem.Page(w.Entry.PFN()), w.Entry
			return r, nil
		}
		tableInstalled = tableInstalled || installed
		if e := t.ptes[i]; e != 0 {
			r.Kind, r.Page, r.PTE = FaultFile, m.mem.Page(e.PFN()), e
			return r, nil
		}
	}
	if write && v.Flags&VM_SHARED == 0 {
		// do_cow_fault: vmf_anon_prepare before __do_fault, so a write
		// that ends in SIGBUS still leaves the VMA an anon_vma (and fork
		// then copies its page tables)
		_, r.AnonVMACreated = m.PrepareAnonVMA(v)
	}
	if index >= as.Size {
		if !tableInstalled {
			// filemap_fault's SIGBUS comes before finish_fault's
			// pte_alloc: do_fault frees the preallocated table and the
			// PMD stays empty
			m.FreeDetachedTable(m.UnlinkPTETable(addr))
			r.Alloc &^= AllocPTE
		}
		return r, errf(op, SIGBUS, "file page beyond EOF")
	}
	p, created, err := as.GetPage(m.mem, index)
	if err != nil {
		return r, err
	}
	r.PageCacheAlloc = created
	if write && v.Flags&VM_SHARED == 0 {
		return m.cowFault(v, addr, t, i, p, r)
	}
	var flags PTE = PTEAccessed
	if write {
		flags |= PTEWrite | PTEDirty
	} else if v.Flags&(VM_SHARED|VM_WRITE) == VM_SHARED|VM_WRITE {
		flags |= PTEWrite // no write-notify: shmem-like files map writable but clean
	}
	// finish_fault on an empty PMD: a PMD-sized folio that ends within
	// i_size is mapped by the PMD (do_set_pmd)
	if pmdNone && (as.shmem || as.Size >= p.Folio().index+uint64(1)<<p.Folio().order) {
		if m.doSetPMD(v, addr, p.Folio(), flags) {
			if write {
				p.Folio().dirty = true
			}
			w := m.Walk(addr)
			r.Kind, r.Page, r.PTE = FaultFile, p, w.Entry
			r.Mapped += HPAGE_PMD_NR
			r.Alloc &^= AllocPTE
			return r, nil
		}
	}
	// finish_fault: set_pte_range over the whole folio where it fits,
	// else over the faulting page alone
	first, nr := m.finishFaultRange(v, addr, t, p)
	for k := range nr {
		q := first.Folio().subpage(int(first.index-first.Folio().index) + k)
		if write {
			q.dirty = true
		}
		m.setEntry(t, i-int(p.index-first.index)+k, MkPTE(q.PFN, flags))
	}
	r.Kind, r.Page, r.PTE = FaultFile, p, t.ptes[i]
	r.Mapped += nr
	return r, nil
}

// finishFaultRange is how much of p's folio finish_fault maps for a fault
// at addr (mm/memory.c, since 6.18 "try to map the entire file folio in
// finish_fault()" and "do not populate page table entries beyond i_size"):
// the whole folio when it lies inside the VMA and the PTE table, all its
// entries are empty, and (unless it is shmem) it ends within i_size; else
// p alone. It returns the first page to map and the number of pages.
func (m *MM) finishFaultRange(v *VMA, addr Addr, t *PageTable, p *Page) (*Page, int) {
	f := p.Folio()
	nr := uint64(1) << f.order
	if nr == 1 {
		return p, 1
	}
	as := v.file.mapping
	if !as.shmem && as.Size < f.index+nr {
		return p, 1 // needs_fallback
	}
	idx := p.index - f.index
	vmaOff := uint64(addr-v.start) >> PageShift
	pteOff := uint64(t.Index(addr))
	if vmaOff < idx || vmaOff+(nr-idx) > uint64(v.end-v.start)>>PageShift ||
		pteOff < idx || pteOff+(nr-idx) > PTRS_PER_TABLE {
		return p, 1
	}
	for k := range nr {
		if t.ptes[pteOff-idx+k] != 0 {
			return p, 1 // !pte_range_none: needs_fallback, one page
		}
	}
	return f, int(nr)
}

// faultAround maps the cached, unmapped pages around addr
// (do_fault_around, filemap_map_pages): the aligned 64 KiB block, clipped
// to the VMA, the PTE table and i_size; a large folio whose pages reach
// into that range is mapped whole when it lies inside the VMA and one PTE
// table and ends within i_size (tmpfs: always), as 6.18's
// filemap_map_folio_range does. With the PMD empty the PTE table is
// installed (filemap_map_pmd) only when the first folio found ends within
// i_size or is shmem; otherwise pte_offset_map_lock finds no table and
// nothing is mapped. It never reads pages in. It returns the pages mapped
// and whether it installed the PTE table.
func (m *MM) faultAround(v *VMA, addr Addr, pmdNone bool) (n int, installed, huge bool) {
	start := max(addr&^(FaultAroundBytes-1), v.start, addr&^(PMD_SIZE-1))
	end := min(start+FaultAroundBytes, v.end, (addr&^(PMD_SIZE-1))+PMD_SIZE)
	as := v.file.mapping
	if as.Size == 0 {
		return 0, false, false
	}
	fileEnd := as.Size - 1
	startPg := v.PgoffOf(start)
	endPg := min(v.PgoffOf(end-PageSize), fileEnd)
	t := m.Walk(addr).Tables[LevelPTE]
	mapPage := func(idx uint64) {
		a := v.start + Addr(idx-v.pgoff)<<PageShift
		i := t.Index(a)
		if t.ptes[i] != 0 {
			return
		}
		pte := MkPTE(as.pages[idx].PFN, PTEAccessed)
		if v.Flags&(VM_SHARED|VM_WRITE) == VM_SHARED|VM_WRITE {
			pte |= PTEWrite
		}
		m.setEntry(t, i, pte)
		n++
	}
	first := true
	for idx := startPg; idx <= endPg; {
		p := as.pages[idx]
		if p == nil {
			idx++
			continue
		}
		f := p.Folio()
		next := f.index + uint64(1)<<f.order
		canMapLarge := fileEnd >= next || as.shmem
		if first {
			first = false
			if pmdNone && !canMapLarge {
				return 0, false, false
			}
			// filemap_map_pmd: a PMD-sized folio is mapped by the PMD
			// (do_set_pmd), else the PTE table is installed
			var flags PTE = PTEAccessed
			if v.Flags&(VM_SHARED|VM_WRITE) == VM_SHARED|VM_WRITE {
				flags |= PTEWrite
			}
			if pmdNone && m.doSetPMD(v, addr, f, flags) {
				return HPAGE_PMD_NR, false, true
			}
			installed = true
		}
		lo, hi := idx, min(next-1, endPg)
		if f.order > 0 && canMapLarge && m.folioFitsVMATable(v, f) {
			lo, hi = f.index, next-1
		}
		for j := lo; j <= hi; j++ {
			mapPage(j)
		}
		idx = next
	}
	return n, installed, false
}

// doSetPMD maps file folio f by addr's PMD (do_set_pmd) when f is
// PMD-sized, the VMA holds the aligned 2 MiB with a congruent pgoff
// (thp_vma_suitable_order) and THP is not disabled for it (VM_NOHUGEPAGE
// or prctl: vma_thp_disabled). The PTE table the fault preallocated
// (still empty) is dropped. It reports whether it mapped.
func (m *MM) doSetPMD(v *VMA, addr Addr, f *Page, flags PTE) bool {
	if int(f.order) != HPAGE_PMD_ORDER || v.Flags&VM_NOHUGEPAGE != 0 || m.thpDisabled() || !thpVMASuitable(v, addr) {
		return false
	}
	if pt := m.Walk(addr).Tables[LevelPTE]; pt != nil && pt.used > 0 {
		return false
	}
	m.FreeDetachedTable(m.UnlinkPTETable(addr))
	t, i, _, err := m.allocPMD(addr)
	if err != nil || t.next[i] != nil {
		return false
	}
	m.setHuge(t, i, MkPTE(f.PFN, flags|PTEHuge))
	return true
}

// folioFitsVMATable: file folio f lies wholly inside v
// (folio_within_vma) and inside one PTE table.
func (m *MM) folioFitsVMATable(v *VMA, f *Page) bool {
	nr := uint64(1) << f.order
	if f.index < v.pgoff || f.index+nr > v.pgoff+uint64(v.end-v.start)>>PageShift {
		return false
	}
	a := v.start + Addr(f.index-v.pgoff)<<PageShift
	return a&^(PMD_SIZE-1) == (a+Addr(nr<<PageShift)-1)&^(PMD_SIZE-1)
}

// anonFault is do_anonymous_page: a read maps the shared zero page (unless
// Config.NoZeroPageOnRead), anything else a new page, writable and dirty when
// the VMA is writable (a read of a read-only VMA maps it clean and
// read-only).
func (m *MM) anonFault(v *VMA, addr Addr, t *PageTable, i int, write bool, r FaultResult) (FaultResult, error) {
	if !write && !m.noZeroRead {
		pte := MkPTE(m.mem.zero.PFN, PTEAccessed|PTESpecial)
		m.setEntry(t, i, pte)
		r.Kind, r.Page, r.PTE, r.Mapped = FaultZeroPage, m.mem.zero, pte, 1
		return r, nil
	}
	_, r.AnonVMACreated = m.PrepareAnonVMA(v)
	p, err := m.mem.AllocPage()
	if err != nil {
		return r, err
	}
	m.makeAnon(p, v, addr)
	pte := MkPTE(p.PFN, PTEAccessed)
	if v.Flags&VM_WRITE != 0 {
		pte |= PTEDirty | PTEWrite
	}
	p.dirty = write || v.Flags&VM_WRITE != 0
	m.setEntry(t, i, pte)
	_ = p.Put() // the page table's reference is the one that stays
	r.Kind, r.Page, r.PTE, r.Mapped = FaultAnon, p, pte, 1
	return r, nil
}

// makeAnon turns a fresh page into v's anonymous page for addr
// (folio_add_new_anon_rmap).
func (m *MM) makeAnon(p *Page, v *VMA, addr Addr) {
	p.anon = true
	p.dirty = true
	p.anonVMA = v.anonVMA
	p.index = v.PgoffOf(addr)
}

// cowFault maps a private copy of src (nil for a PFN without struct page)
// at addr, replacing whatever t[i] held.
func (m *MM) cowFault(v *VMA, addr Addr, t *PageTable, i int, src *Page, r FaultResult) (FaultResult, error) {
	_, created := m.PrepareAnonVMA(v)
	r.AnonVMACreated = r.AnonVMACreated || created
	p, err := m.mem.AllocPage()
	if err != nil {
		return r, err
	}
	m.makeAnon(p, v, addr)
	p.data = src != nil && src.data // the copy holds what the source held
	pte := MkPTE(p.PFN, PTEAccessed|PTEDirty|PTEWrite)
	if t.ptes[i] != 0 {
		m.setEntry(t, i, 0)
		m.TLB.FlushRange(addr, addr+PageSize)
		r.TLBFlushed = true
	}
	m.setEntry(t, i, pte)
	_ = p.Put()
	r.Kind, r.Page, r.PTE, r.Mapped = FaultCOW, p, pte, 1
	return r, nil
}

func (m *MM) faultPresent(v *VMA, addr Addr, t *PageTable, i int, e PTE, write bool) (FaultResult, error) {
	page := m.mem.Page(e.PFN())
	if !write || e.Writable() {
		ne := e | PTEAccessed
		if write {
			ne |= PTEDirty
			if page != nil && !page.zero {
				page.dirty = true
			}
		}
		m.ptChanged()
		t.ptes[i] = ne
		return FaultResult{Kind: FaultSpurious, Page: page, PTE: ne}, nil
	}
	// write to a read-only PTE: do_wp_page
	if v.Flags&VM_SHARED != 0 {
		if v.Ops != nil {
			return FaultResult{Page: page, PTE: e}, errf("do_wp_page", ErrNeedsOps, "shared write needs ->page_mkwrite/->pfn_mkwrite")
		}
		ne := e | PTEWrite | PTEDirty | PTEAccessed
		m.ptChanged()
		t.ptes[i] = ne
		if page != nil {
			page.dirty = true
		}
		return FaultResult{Kind: FaultMkwrite, Page: page, PTE: ne}, nil
	}
	if p := m.accountedPage(e); anonExclusive(p) {
		ne := e | PTEWrite | PTEDirty | PTEAccessed
		m.ptChanged()
		t.ptes[i] = ne
		p.dirty = true
		if p.anonVMA == nil {
			p.anonVMA = v.anonVMA
		}
		return FaultResult{Kind: FaultReuse, Page: p, PTE: ne}, nil
	}
	var src *Page
	if !e.Special() {
		src = page
	}
	return m.cowFault(v, addr, t, i, src, FaultResult{})
}

// MkWrite makes the read-only PTE at addr writable and dirty after a
// shared VMA's ->page_mkwrite or ->pfn_mkwrite agreed (wp_page_shared /
// wp_pfn_shared finishing). It fails with EFAULT if nothing is mapped there.
func (m *MM) MkWrite(v *VMA, addr Addr) (FaultResult, error) {
	const op = "wp_page_shared"
	if err := m.checkFaultVMA(op, v, addr); err != nil {
		return FaultResult{}, err
	}
	m.SplitHugePMD(addr) // a huge PMD is made writable page by page
	w := m.Walk(addr)
	if !w.Present() {
		return FaultResult{}, errf(op, EFAULT, "no PTE at "+addr.String())
	}
	t := w.Tables[LevelPTE]
	ne := w.Entry | PTEWrite | PTEDirty | PTEAccessed
	m.ptChanged()
	t.ptes[t.Index(addr)] = ne
	p := m.accountedPage(ne)
	if p != nil {
		p.dirty = true
	}
	return FaultResult{Kind: FaultMkwrite, Page: p, PTE: ne}, nil
}

// FinishFault installs the page a driver's ->fault returned (finish_fault,
// or do_cow_fault for a private write, which maps a copy instead). It
// consumes the reference the page came with, as the kernel's fault path
// does: the mapping keeps its own. If the PTE is already populated the
// result is FaultNoPage and nothing is mapped. A read fault maps the page
// read-only. Errors: SIGSEGV outside the VMA, EFAULT for a detached VMA,
// EINVAL for a nil or freed page, ENOMEM.
func (m *MM) FinishFault(v *VMA, addr Addr, page *Page, write bool) (FaultResult, error) {
	const op = "finish_fault"
	if err := m.checkFaultVMA(op, v, addr); err != nil {
		return FaultResult{}, err
	}
	if page == nil || page.freed {
		return FaultResult{}, errf(op, EINVAL, "nil or freed page")
	}
	addr &= PageMask
	if hw := m.Walk(addr); hw.Huge() {
		// finish_fault(): the PMD is not none, so nothing is allocated,
		// and pte_offset_map_lock() finds no table under the huge PMD
		// ("Huge page is mapped? Page fault is solved"): VM_FAULT_NOPAGE,
		// and the fault path drops the page (do_read_fault()); the THP
		// stays (AllocTables would split it).
		_ = page.Put()
		return FaultResult{Kind: FaultNoPage, PTE: hw.Entry}, nil
	}
	w, alloc, err := m.AllocTables(addr)
	if err != nil {
		return FaultResult{}, err
	}
	r := FaultResult{Alloc: alloc}
	t := w.Tables[LevelPTE]
	i := t.Index(addr)
	if write && isCOWMapping(v.Flags) {
		if w.Entry != 0 {
			_ = page.Put()
			r.Kind, r.PTE = FaultNoPage, w.Entry
			return r, nil
		}
		r, err = m.cowFault(v, addr, t, i, page, r)
		_ = page.Put()
		return r, err
	}
	if w.Entry != 0 {
		_ = page.Put()
		r.Kind, r.PTE = FaultNoPage, w.Entry
		return r, nil
	}
	pte := MkPTE(page.PFN, PTEAccessed|v.CacheBits) // mk_pte(page, vma->vm_page_prot)
	if page.zero {
		pte |= PTESpecial
	}
	if write {
		pte |= PTEWrite | PTEDirty
		page.dirty = true
	}
	m.setEntry(t, i, pte)
	_ = page.Put()
	r.Kind, r.Page, r.PTE, r.Mapped = FaultFile, page, pte, 1
	return r, nil
}

// InsertPage maps a driver page at addr (vm_insert_page / insert_page).
// If the VMA lacks VM_MIXEDMAP it is set, as vm_insert_page does with
// vm_flags_set (legal only under the mmap write lock, i.e. from f_op->mmap:
// the caller checks). The page gains a reference and a mapcount; the
// caller keeps its own. The PTE is writable when the VMA is shared and
// writable. Call Walk first to learn which tables this will allocate.
//
// Errors: EFAULT if addr is outside the VMA, EINVAL for an anonymous,
// freed or unreferenced page, for the zero page in a shared writable
// mapping, and for a VM_PFNMAP VMA (where the kernel BUG()s), EBUSY if the
// PTE is populated, ENOMEM.
func (m *MM) InsertPage(v *VMA, addr Addr, page *Page) error {
	_, err := m.insertPage("vm_insert_page", v, addr, page, false, false)
	return err
}

// getLockedPTE is get_locked_pte()'s walk for an install at addr
// (insert_page, insert_pfn): the missing tables are allocated, but under
// a huge PMD there is no PTE table to return: pte_alloc() allocates
// nothing on a PMD that is not none, pte_offset_map_lock() finds no
// table under a pmd_trans_huge() entry, and the caller gets NULL, which
// insert_page() returns as -ENOMEM and insert_pfn() as VM_FAULT_OOM. The
// THP stays (AllocTables would split it).
func (m *MM) getLockedPTE(op string, addr Addr) (Walk, Alloc, error) {
	if m.Walk(addr).Huge() {
		return Walk{}, 0, errf(op, ENOMEM, "a huge PMD maps "+addr.String()+": get_locked_pte() finds no PTE table")
	}
	return m.AllocTables(addr)
}

// InsertPageMkwrite is vmf_insert_page_mkwrite: like InsertPage, but a
// write maps the page writable and dirty, and an existing PTE for the same
// page is upgraded instead of failing with EBUSY.
func (m *MM) InsertPageMkwrite(v *VMA, addr Addr, page *Page, write bool) error {
	_, err := m.insertPage("vmf_insert_page_mkwrite", v, addr, page, write, true)
	return err
}

func (m *MM) insertPage(op string, v *VMA, addr Addr, page *Page, write, mkwrite bool) (Alloc, error) {
	switch {
	case v == nil || v.mm != m:
		return 0, errf(op, EINVAL, "VMA of another mm")
	case addr < v.start || addr >= v.end:
		return 0, errf(op, EFAULT, "address "+addr.String()+" outside the VMA")
	case v.Flags&VM_PFNMAP != 0:
		return 0, errf(op, EINVAL, "VM_PFNMAP VMA (the kernel BUG()s)")
	}
	// vm_insert_page sets the flag before insert_page validates the page;
	// vmf_insert_page_mkwrite() calls insert_page() directly and sets
	// nothing (mm/memory.c)
	if !mkwrite {
		v.Flags |= VM_MIXEDMAP
	}
	switch {
	case page == nil || page.freed || page.refcount <= 0:
		return 0, errf(op, EINVAL, "freed or unreferenced page")
	case page.anon:
		return 0, errf(op, EINVAL, "anonymous page")
	case page.zero && !isCOWMapping(v.Flags) && v.Flags&VM_WRITE != 0:
		return 0, errf(op, EINVAL, "zero page in a shared writable mapping")
	}
	addr &= PageMask
	w, alloc, err := m.getLockedPTE(op, addr)
	if err != nil {
		return alloc, err
	}
	t := w.Tables[LevelPTE]
	i := t.Index(addr)
	if w.Entry != 0 {
		if mkwrite && write && w.Entry.PFN() == page.PFN {
			m.ptChanged()
			t.ptes[i] = w.Entry | PTEWrite | PTEDirty | PTEAccessed
			page.dirty = true
			return alloc, nil
		}
		return alloc, errf(op, EBUSY, "PTE already populated")
	}
	pte := MkPTE(page.PFN, PTEAccessed|v.CacheBits) // insert_page(): vma->vm_page_prot
	if v.Flags&(VM_SHARED|VM_WRITE) == VM_SHARED|VM_WRITE {
		pte |= PTEWrite
	}
	if write && mkwrite {
		pte |= PTEWrite | PTEDirty
		page.dirty = true
	}
	if page.zero {
		pte = pte.Without(PTEWrite) | PTESpecial
	}
	m.setEntry(t, i, pte)
	return alloc, nil
}

// InsertPFN maps a raw PFN at addr with a special PTE, which no page
// refcount or mapcount follows (vmf_insert_pfn). Errors: EINVAL unless the
// VMA is VM_PFNMAP or VM_MIXEDMAP (the kernel BUG()s), EFAULT outside the
// VMA, EBUSY if the PTE is populated (which vmf_insert_pfn reports as
// VM_FAULT_NOPAGE, i.e. success), ENOMEM.
func (m *MM) InsertPFN(v *VMA, addr Addr, pfn PFN) error {
	var cache PTE
	if v != nil {
		cache = v.CacheBits // vmf_insert_pfn(): vma->vm_page_prot
	}
	_, _, err := m.InsertPFNProt(v, addr, pfn, cache, false)
	return err
}

// InsertPFNProt is insert_pfn(vma, addr, pfn, prot, mkwrite) (mm/memory.c):
// InsertPFN with the cache-mode bits of the driver's pgprot
// (vmf_insert_pfn_prot()) and, with mkwrite (vmf_insert_mixed_mkwrite()),
// the entry made young, dirty and, on a VM_WRITE VMA, writable
// (maybe_mkwrite()); an entry already present is then upgraded so when
// it maps pfn, and left alone otherwise ("racing with block allocation
// and mapping invalidation"), its PFN returned (differs) for the caller's
// WARN_ON_ONCE(!is_zero_pfn()). Without mkwrite a present entry is EBUSY.
func (m *MM) InsertPFNProt(v *VMA, addr Addr, pfn PFN, cache PTE, mkwrite bool) (other PFN, differs bool, err error) {
	const op = "vmf_insert_pfn"
	switch {
	case v == nil || v.mm != m:
		return 0, false, errf(op, EINVAL, "VMA of another mm")
	case v.Flags&(VM_PFNMAP|VM_MIXEDMAP) == 0:
		return 0, false, errf(op, EINVAL, "VMA is neither VM_PFNMAP nor VM_MIXEDMAP")
	case addr < v.start || addr >= v.end:
		return 0, false, errf(op, EFAULT, "address "+addr.String()+" outside the VMA")
	}
	addr &= PageMask
	w, _, err := m.getLockedPTE(op, addr)
	if err != nil {
		return 0, false, err
	}
	t := w.Tables[LevelPTE]
	if w.Entry != 0 {
		if !mkwrite {
			return 0, false, errf(op, EBUSY, "PTE already populated")
		}
		if w.Entry.PFN() != pfn {
			return w.Entry.PFN(), true, nil
		}
		e := w.Entry | PTEAccessed | PTEDirty // pte_mkyoung(), pte_mkdirty()
		if v.Flags&VM_WRITE != 0 {
			e |= PTEWrite // maybe_mkwrite()
		}
		m.ptChanged()
		t.ptes[t.Index(addr)] = e
		return 0, false, nil
	}
	pte := MkPTE(pfn, PTEAccessed|PTESpecial|cache&PTECacheMask) // pte_mkspecial(pfn_pte(pfn, prot))
	if v.Flags&(VM_SHARED|VM_WRITE) == VM_SHARED|VM_WRITE {
		pte |= PTEWrite
	}
	if mkwrite {
		pte |= PTEDirty
		if v.Flags&VM_WRITE != 0 {
			pte |= PTEWrite
		}
	}
	m.setEntry(t, t.Index(addr), pte)
	return 0, false, nil
}

// RemapPFNRange maps size bytes of consecutive PFNs from pfn at addr
// (remap_pfn_range): it sets VM_IO|VM_PFNMAP|VM_DONTEXPAND|VM_DONTDUMP and
// installs special PTEs. A COW mapping must be remapped whole, and gets
// vm_pgoff = pfn. Errors: EINVAL for a bad range, EACCES if a PTE in the
// range is populated (the entries before it stay; the kernel BUG()s),
// ENOMEM (a huge PMD in the range: the range is zapped, THP included).
func (m *MM) RemapPFNRange(v *VMA, addr Addr, pfn PFN, size uint64) error {
	return m.RemapPFNRangeProt(v, addr, pfn, size, v.CacheBits)
}

// RemapPFNRangeProt is RemapPFNRange with the cache-mode bits of the
// pgprot the driver passed (remap_pfn_range(vma, addr, pfn, size,
// pgprot_noncached(vma->vm_page_prot))): remap_pte_range() builds each
// entry with pte_mkspecial(pfn_pte(pfn, prot)). x86's PAT tracking
// (pfnmap_setup_cachemode(), which may refuse a mode conflicting with
// another mapping of the range) is not modelled.
func (m *MM) RemapPFNRangeProt(v *VMA, addr Addr, pfn PFN, size uint64, cache PTE) error {
	const op = "remap_pfn_range"
	l, ok := pageAlignLen(size)
	switch {
	case v == nil || v.mm != m:
		return errf(op, EINVAL, "VMA of another mm")
	case !addr.PageAligned() || !ok || addr < v.start || addr+Addr(l) > v.end || addr+Addr(l) < addr:
		return errf(op, EINVAL, "range outside the VMA")
	case isCOWMapping(v.Flags) && (addr != v.start || addr+Addr(l) != v.end):
		return errf(op, EINVAL, "partial remap of a COW mapping")
	}
	if isCOWMapping(v.Flags) && v.pgoff != uint64(pfn) {
		if v.attached && v.file != nil {
			v.file.mapping.imapRemove(v)
			v.pgoff = uint64(pfn)
			v.file.mapping.imapInsert(v)
		} else {
			v.pgoff = uint64(pfn)
		}
	}
	v.Flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP
	for a := addr; a < addr+Addr(l); a += PageSize {
		// a huge PMD maps a whole aligned PMD range: looked for once a span
		if (a == addr || a&(PMD_SIZE-1) == 0) && m.Walk(a).Huge() {
			// remap_pte_range(): pte_alloc_map_lock() finds no PTE
			// table under a huge PMD: -ENOMEM, and
			// remap_pfn_range_notrack() zaps the whole range ("A
			// partial pfn range mapping is dangerous"), the THP
			// included (remap_pmd_range()'s VM_BUG_ON on the first
			// PMD is the caller's to report).
			m.ZapRange(v, addr, addr+Addr(l))
			m.TLB.FlushRange(addr, addr+Addr(l))
			return errf(op, ENOMEM, "a huge PMD maps "+a.String()+": remap_pte_range() finds no PTE table")
		}
		w, _, err := m.AllocTables(a)
		if err != nil {
			return err
		}
		if w.Entry != 0 {
			return errf(op, EACCES, "PTE already populated at "+a.String())
		}
		pte := MkPTE(pfn+PFN((a-addr)>>PageShift), PTEAccessed|PTESpecial|cache&PTECacheMask)
		if v.Flags&(VM_SHARED|VM_WRITE) == VM_SHARED|VM_WRITE {
			pte |= PTEWrite
		}
		t := w.Tables[LevelPTE]
		m.setEntry(t, t.Index(a), pte)
	}
	return nil
}

// ExecOnlyPkey is the protection key x86 reserves for PROT_EXEC-only
// mappings on a CPU with pkeys (execute_only_pkey: the first key
// allocated, 1). Every thread's PKRU denies data access through it.
const ExecOnlyPkey = 1

// PkeyAccessPermitted reports whether a user data access (a load or a
// store, as the traces make) may use v under the default PKRU: not when v
// carries the execute-only key (x86 arch_vma_access_permitted; the
// hardware raises a protection-key fault even through a present PTE).
func PkeyAccessPermitted(v *VMA) bool { return v.ProtectionKey() != ExecOnlyPkey }
